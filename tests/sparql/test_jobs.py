"""What passes to and from a query worker (``QueryJob``, ``Reply``) comes back equal from its
pipe's pickling, every field kept."""

import pickle
from multiprocessing.reduction import ForkingPickler

from peersupport.sparql.jobs import QueryJob, Reply


def test_a_job_and_a_reply_come_back_equal():
    job = QueryJob("ASK { ?s ?p ?o }", "text/csv", ("http://example.org/g",), ("http://example.org/h", "http://example.org/i"))
    reply = Reply("application/sparql-results+json; charset=utf-8", b'{"boolean": true}', {"X-SPARQL-MaxRows": "2"})
    for value in (job, reply, QueryJob("ASK {}"), Reply("text/csv", b"")):
        back = pickle.loads(ForkingPickler.dumps(value))
        assert (type(back), back) == (type(value), value)
    assert pickle.loads(pickle.dumps(Reply("text/csv", b""))).headers == {}
