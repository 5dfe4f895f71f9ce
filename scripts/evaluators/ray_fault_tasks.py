"""Tasks that misbehave on purpose, for testing ray_evaluator.py's fault handling
(`--function ray_fault_tasks:NAME --path scripts/evaluators`). Not an example to copy:
toy_evaluator.score is the well-behaved one."""
import hashlib
import json
import os
import time

import toy_evaluator


def lose_worker_once(arch):
    """Kills its own worker process the first time it sees an architecture, as a node lost
    mid-training would; Ray runs the task again and the second attempt answers."""
    marker_dir = os.environ.get("RAY_FAULTS_DIR", "/tmp")
    key = hashlib.sha256(json.dumps(arch, sort_keys=True).encode()).hexdigest()[:16]
    marker = os.path.join(marker_dir, "ray-fault-%s" % key)
    if not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return toy_evaluator.score(arch)


def raise_error(arch):
    raise ValueError("no checkpoint for this architecture")


def not_a_number(arch):
    return float("nan")


def with_seconds(arch):
    return {"score": toy_evaluator.score(arch), "seconds": 3600.0}


def hang(arch):
    time.sleep(3600)
