"""The spreadsheet reader's wordings (validation/messages.py): every problem has an English and a
French wording taking the same values, and the English one is what machine clients read."""

import re

from peersupport.validation.messages import LANGUAGES, MESSAGES, say


def test_every_wording_is_in_both_languages_with_the_same_values():
    assert LANGUAGES == ("en", "fr")
    for key, wordings in MESSAGES.items():
        assert set(wordings) == {"en", "fr"}, key
        names = {lang: set(re.findall(r"\{(\w+)", text)) for lang, text in wordings.items()}
        # French may leave out the English article, and lists the allowed values by their French labels
        french = {"allowed" if name == "allowed_fr" else name for name in names["fr"]}
        assert french <= names["en"], key
        assert wordings["fr"] != wordings["en"], key


def test_a_wording_is_filled_with_its_values():
    assert say("not-yes-no", "en", value="maybe") == "'maybe' is not yes or no"
    assert say("not-yes-no", "fr", value="maybe") == "« maybe » n’est ni yes ni no (oui ou non)"
    assert say("too-many-cells", "fr", cells=5, width=3) == "5 cellules, mais l’en-tête n’a que 3 colonnes"
    assert say("column-twice", "de", name="role_id", other="D") == "the column `role_id` appears twice (also column D)"
