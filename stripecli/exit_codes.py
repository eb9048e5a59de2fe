"""Every exit code stripecli uses, and what each means (``stripecli help exit-codes``).

A neutral module: it imports nothing, so the API layer, the CLI and the tools can all use it.
Exit codes are part of the interface: scripts branch on them, so they are stable. Code elsewhere
names these constants and never writes the numbers.
"""

from __future__ import annotations

OK = 0
API_ERROR = 1
USAGE = 2
AUTH = 3
NOT_FOUND = 4
RATE_LIMITED = 5
NETWORK = 6
PARTIAL = 7
WAIT_TIMEOUT = 8
INTERRUPTED = 130
TERMINATED = 143  # 128 + SIGTERM

EXIT_CODES: dict[int, str] = {
    OK: "success (an empty result is a success too)",
    API_ERROR: "API error (the request was rejected or failed: 4xx or 5xx), or another failure",
    USAGE: "usage or validation error (nothing was sent)",
    AUTH: "authentication or permission error (401, 403, or no API key configured)",
    NOT_FOUND: "not found (404)",
    RATE_LIMITED: "rate limited (429) after retries",
    NETWORK: "network failure (connection error or timeout) after retries",
    PARTIAL: "some lines of a bulk run (--from) failed or were skipped; the others succeeded",
    WAIT_TIMEOUT: "timed out waiting (e.g. test-clocks advance --wait)",
    INTERRUPTED: "interrupted (Ctrl-C)",
    TERMINATED: "terminated (SIGTERM), e.g. a listen stopped by its supervisor",
}
