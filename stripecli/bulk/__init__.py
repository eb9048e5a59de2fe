"""Bulk runs: one command applied to every line of a file or a pipe (``--from FILE|-``).

The pieces, each usable on its own:

- ``source``: the input read into numbered lines (JSONL, CSV with dot-path headers, bare ids);
- ``plan``: each line checked against the operation's params and turned into an ``ApiRequest``,
  before anything is sent;
- ``journal``: the record of a run in the data directory (one per input and command), which is
  what makes a re-run resume instead of repeating writes;
- ``pacer``: one rate limiter shared by every worker, slowed down by 429s and ``Retry-After``;
- ``engine``: the workers that send the planned requests through the API client (its retries
  and idempotency are reused, not re-implemented);
- ``report``: result lines on stdout, progress and the summary on stderr;
- ``run``: the whole of ``--from`` for one command, from options to an exit code.

Nothing here is imported until a command is given ``--from``.
"""
