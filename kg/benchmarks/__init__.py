"""Benchmarks that print figures: loading, extraction, queries."""


def rss_kb(pid: int) -> int:
    """A process's resident memory in kB (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
