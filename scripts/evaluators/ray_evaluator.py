#!/usr/bin/env python3
"""llmpp's external-evaluator protocol, each architecture of a batch fanned out as a Ray task.

    llmpp search --space S --evaluator external --evaluator-cmd \\
      "$HOME/.cache/llmpp/ray-venv/bin/python scripts/evaluators/ray_evaluator.py \\
         --function my_training:evaluate --path ~/my-project --num-gpus 1 --address auto"

FUNCTION (`MODULE:NAME`, imported from --path) is called on a Ray worker with one
architecture, the dict llmpp sends (`{"<dimension name>": value or [values], ...}`), and
returns its score: a number, a `(score, seconds)` pair or a `{"score": ..., "seconds": ...}`
dict. `seconds` is what the evaluation cost (e.g. the GPU time of its training run); without
it the task's own run time on its worker is reported. llmpp sums these into the search hours.

The module travels to the workers by value (cloudpickle), so a cluster needs only the
packages it imports installed on its nodes, not the file.

Where it runs:
  (no --address)        a local Ray instance started for this batch and stopped after it
                        (--local-cpus/--local-gpus size it; a few seconds per batch)
  --address auto        the cluster this machine belongs to (`ray start --head` once, then
                        every batch joins it without the start-up cost)
  --address HOST:6379   an existing cluster's head; `ray://HOST:10001` through Ray Client

Faults: a task whose worker or node is lost is run again, up to --max-retries times (Ray's
own retry of system failures); an exception raised by FUNCTION is retried only with
--retry-exceptions (a bug would fail every time). A task that still fails, an unreachable
cluster or a FUNCTION that cannot be imported ends the batch with a one-line error on stderr
and exit status 2; llmpp pauses the run with that line and loses nothing. SIGTERM (llmpp's
timeout) cancels the batch's tasks and stops a local instance before exiting.
"""
import argparse
import importlib
import json
import os
import signal
import socket
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--function", required=True, help="MODULE:NAME called with one architecture")
    p.add_argument("--path", default=os.getcwd(), help="directory MODULE is imported from (default: cwd)")
    p.add_argument("--address", default=None, help="an existing cluster; default: a local instance")
    p.add_argument("--num-cpus", type=float, default=1, help="CPUs each task requests (default 1)")
    p.add_argument("--num-gpus", type=float, default=0, help="GPUs each task requests (default 0)")
    p.add_argument("--max-retries", type=int, default=3, help="runs again after a lost worker (default 3)")
    p.add_argument("--retry-exceptions", action="store_true", help="also retry FUNCTION's exceptions")
    p.add_argument("--connect-timeout", type=float, default=10,
                   help="seconds to wait for --address HOST:PORT to accept a connection (default 10)")
    p.add_argument("--local-cpus", type=int, default=None, help="the local instance's CPUs (default: all)")
    p.add_argument("--local-gpus", type=int, default=None, help="the local instance's GPUs (default: detected)")
    return p.parse_args(argv)


class BatchError(Exception):
    """Ends the batch: its message is the one line llmpp shows."""


def fail(message):
    print("ray_evaluator: " + message, file=sys.stderr, flush=True)
    sys.exit(2)


def protocol_stdout():
    """The protocol's answers get the real stdout; everything else that prints (Ray, the user's
    function in local mode) lands on stderr, which llmpp keeps in the evaluator's log."""
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return answers


def read_batch(stream):
    batch = []
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            batch.append((str(item["id"]), dict(item["arch"])))
        except (ValueError, KeyError, TypeError) as e:
            raise BatchError("request line %d is not {\"id\": ..., \"arch\": {...}}: %s" % (n, e))
    return batch


def load_function(spec, path):
    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise BatchError("--function must be MODULE:NAME, got %r" % spec)
    sys.path.insert(0, os.path.abspath(os.path.expanduser(path)))
    try:
        module = importlib.import_module(module_name)
    except Exception as e:
        raise BatchError("cannot import %s from %s: %s: %s" % (module_name, path, type(e).__name__, e))
    function = getattr(module, name, None)
    if not callable(function):
        raise BatchError("%s has no function %s" % (module_name, name))
    return module, function


def normalize(result):
    """FUNCTION's answer as (score, seconds or None)."""
    seconds = None
    if isinstance(result, dict):
        score, seconds = result.get("score"), result.get("seconds")
    elif isinstance(result, (tuple, list)) and len(result) == 2:
        score, seconds = result
    else:
        score = result
    score = float(score)
    if score != score or score in (float("inf"), float("-inf")):
        raise ValueError("the score is not a finite number: %r" % score)
    if seconds is not None:
        seconds = float(seconds)
        if not seconds >= 0:
            raise ValueError("seconds must be a number >= 0: %r" % seconds)
    return score, seconds


def check_reachable(address, seconds):
    """A HOST:PORT or ray://HOST:PORT that accepts no connection is an error at once: ray.init
    would retry it for minutes, past llmpp's timeout, with nothing said."""
    target = address[len("ray://"):] if address.startswith("ray://") else address
    host, sep, port = target.rpartition(":")
    if address == "auto" or not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
    except OSError as e:
        raise BatchError("cannot start or reach the Ray cluster at %s: %s (is `ray start --head` running there?)"
                         % (address, e.strerror or e))


def connect(ray, args):
    options = dict(include_dashboard=False, logging_level="ERROR", configure_logging=True)
    if args.address:
        check_reachable(args.address, args.connect_timeout)
        options["address"] = args.address
    else:
        options["num_cpus"] = args.local_cpus or os.cpu_count()
        if args.local_gpus is not None:
            options["num_gpus"] = args.local_gpus
    try:
        ray.init(**options)
    except Exception as e:
        where = "the Ray cluster at %s" % args.address if args.address else "a local Ray instance"
        raise BatchError("cannot start or reach %s: %s: %s" % (where, type(e).__name__, str(e).splitlines()[0]))


def submit(ray, function, batch, args):
    def evaluate_one(arch):
        started = time.monotonic()
        score, seconds = normalize(function(arch))
        return score, seconds if seconds is not None else time.monotonic() - started

    remote = ray.remote(evaluate_one).options(
        num_cpus=args.num_cpus, num_gpus=args.num_gpus, max_retries=args.max_retries,
        retry_exceptions=args.retry_exceptions)
    return {remote.remote(arch): arch_id for arch_id, arch in batch}


def collect(ray, pending, answers):
    """Writes each answer as its task finishes; the first task that fails ends the batch."""
    while pending:
        # A short timeout: the wait is C++ code, and Python runs the SIGTERM handler only
        # between calls (a blocking wait left a killed batch's local instance running).
        done, _ = ray.wait(list(pending), num_returns=1, timeout=0.5)
        if not done:
            continue
        ref = done[0]
        arch_id = pending.pop(ref)
        try:
            score, seconds = ray.get(ref)
        except Exception as e:
            for other in pending:
                ray.cancel(other, force=True)
            raise BatchError("%s failed: %s" % (arch_id, describe(e)))
        answers.write(json.dumps({"id": arch_id, "score": score, "seconds": round(seconds, 6)}) + "\n")
        answers.flush()


def describe(error):
    """One line for a task's failure: the user's exception, or what Ray says happened to the worker."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException):
        return "%s: %s" % (type(cause).__name__, str(cause).splitlines()[0] if str(cause) else "")
    text = str(error).strip().splitlines()
    return "%s: %s" % (type(error).__name__, text[0] if text else "")


def main(argv):
    answers = protocol_stdout()
    args = parse_args(argv)
    try:
        batch = read_batch(sys.stdin)
        if not batch:
            return
        module, function = load_function(args.function, args.path)
        import ray
        import ray.cloudpickle

        ray.cloudpickle.register_pickle_by_value(module)
        connect(ray, args)
        # llmpp's timeout stops this process with SIGTERM: the tasks are cancelled and a local
        # instance stopped on the way out, not left running on the cluster.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            collect(ray, submit(ray, function, batch, args), answers)
        finally:
            ray.shutdown()
    except BatchError as e:
        fail(str(e))


if __name__ == "__main__":
    main(sys.argv[1:])
