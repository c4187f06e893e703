"""Reading an untrusted file in a separate process with memory, CPU and time limits.

Every upload and every file import is read here, never in the server's or the command's
own process: a file that makes a parser allocate gigabytes or loop for minutes costs a
child process its life, not the server its memory.

* The child is forked from a small *forkserver* process (started once, with the readers
  and their libraries imported: a child is ready in milliseconds) — never from the server,
  whose memory and database connections it would otherwise share.
* The child limits itself first (Linux ``setrlimit``): its address space to
  ``memory_mb`` (``RLIMIT_AS``), its CPU time to ``cpu_seconds`` (``RLIMIT_CPU``, then
  ``SIGXCPU``), no core files.  The parent waits at most ``wall_seconds`` and kills it.
* The child sends back JSON only — a header, then the document as ``jixiao/1`` JSON —
  which the parent reads with the same validation as any jixiao/1 file: nothing the child
  says is unpickled.
* At most ``concurrent`` files are read at the same time; others wait for a slot (at most
  ``wall_seconds``), so a burst of uploads cannot multiply the memory limit without end.

A refusal is :class:`~jixiao.ingest.guard.LimitExceeded` (its Chinese message names the
limit) or :class:`~jixiao.ingest.errors.IngestError` as the reader raised it.  Every
reading is logged (logger ``jixiao.ingest.isolation``) with its time and the child's peak
resident memory (``extra``: ``peak_rss_mb``, ``seconds``, ``outcome``).

The limits in force when a caller passes none come from :func:`use_limits`: the service
layer installs its settings there (``parse_memory_mb`` 1024, ``parse_cpu_seconds`` 60,
``parse_seconds`` 90, ``parse_workers`` 2, ``max_file_mb`` 64 — ``JIXIAO_PARSE_*`` /
``JIXIAO_MAX_FILE_MB`` or jixiao.toml, see docs/deploy.md); without it, the defaults of
:class:`ProcessLimits`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.domain.model import Document
from jixiao.ingest._explain import Stage, Step
from jixiao.ingest.errors import IngestError
from jixiao.ingest.guard import LimitExceeded

__all__ = [
    "Outcome",
    "ProcessLimits",
    "also_preload",
    "explain_path_isolated",
    "read_bytes_isolated",
    "read_path_isolated",
    "run",
    "use_limits",
    "warm_up",
]

log = logging.getLogger(__name__)

_MAX_HEADER = 1 << 20
_MAX_VALUE = 1 << 30


@dataclass(frozen=True)
class ProcessLimits:
    """What reading one file may cost (see the module docstring)."""

    memory_mb: int = 1024
    cpu_seconds: int = 60
    wall_seconds: float = 90.0
    concurrent: int = 2
    file_mb: int = 64

    @classmethod
    def in_force(cls) -> ProcessLimits:
        """The limits installed with :func:`use_limits` (else the defaults)."""
        return _source()


_source: Callable[[], ProcessLimits] = ProcessLimits


def use_limits(source: Callable[[], ProcessLimits]) -> None:
    """Where the limits come from when a caller passes none (called on every reading, so
    a changed setting takes effect without a restart of the command)."""
    global _source
    _source = source


@dataclass(frozen=True)
class Outcome:
    """What the child returned, and what it cost."""

    value: str
    peak_rss_mb: float
    seconds: float


# -- the child ---------------------------------------------------------------------------

# ``__main__`` first: the forkserver imports the program's main module once (as
# multiprocessing does for every child otherwise), so children start without importing it.
_PRELOAD = [
    "__main__",
    "jixiao.ingest",
    "jixiao.ingest.xlsx",
    "jixiao.ingest.docx",
    "jixiao.ingest.html",
    "jixiao.ingest.pdf",
    "jixiao.interchange",
    "openpyxl",
    "docx",
    "xlrd",
    "lxml.etree",
    "pypdfium2",
]


def also_preload(*modules: str) -> None:
    """Import ``modules`` in the forkserver too (before its start; later calls are
    ignored): a child then finds them loaded."""
    for module in modules:
        if module not in _PRELOAD:
            _PRELOAD.append(module)


def _limit_self(memory_mb: int, cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not Linux/Unix: the wall-clock limit only
        return
    for which, soft, hard in (
        (resource.RLIMIT_AS, memory_mb << 20, memory_mb << 20),
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 5),
        (resource.RLIMIT_CORE, 0, 0),
    ):
        with contextlib.suppress(ValueError, OSError):  # a platform without that limit
            resource.setrlimit(which, (soft, hard))


def _peak_kb() -> int:
    try:
        import resource
    except ImportError:  # pragma: no cover
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _child(
    conn: Any, target: Callable[..., str], args: tuple[Any, ...], memory_mb: int, cpu: int
) -> None:
    _limit_self(memory_mb, cpu)
    value = b""
    header: dict[str, Any]
    try:
        value = target(*args).encode("utf-8")
        header = {"ok": True}
    except LimitExceeded as exc:
        header = {"limit": [exc.file, exc.problem]}
    except IngestError as exc:
        header = {"ingest": [exc.file, exc.problem, exc.line, exc.page]}
    except MemoryError:
        value = b""
        header = {"memory": True}
    except RecursionError:
        header = {"recursion": True}
    except Exception as exc:  # a parser's bug on a strange file: a refusal, not a 500
        header = {"crash": type(exc).__name__}
    header["peak_kb"] = _peak_kb()
    conn.send_bytes(json.dumps(header).encode("utf-8"))
    if value:
        conn.send_bytes(value)
    conn.close()


# -- the parent --------------------------------------------------------------------------

_lock = threading.Lock()
_context: Any = None
_slots: threading.BoundedSemaphore | None = None


def _mp_context() -> Any:
    global _context
    with _lock:
        if _context is None:
            import multiprocessing

            if "forkserver" in multiprocessing.get_all_start_methods():
                _context = multiprocessing.get_context("forkserver")
                _context.set_forkserver_preload(list(_PRELOAD))
            else:  # pragma: no cover - Windows
                _context = multiprocessing.get_context("spawn")
        return _context


def warm_up() -> None:
    """Start the forkserver now, in the background: a server calls this at start so that
    its first upload does not wait the seconds the readers take to import."""
    if _mp_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        threading.Thread(target=forkserver.ensure_running, daemon=True).start()


def _slot(concurrent: int) -> threading.BoundedSemaphore:
    global _slots
    with _lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(concurrent)
        return _slots


def _log(name: str, outcome: str, seconds: float, peak_mb: float) -> None:
    log.info(
        "read %s in a child process: %s after %.2f s, peak %.0f MB",
        name,
        outcome,
        seconds,
        peak_mb,
        extra={"peak_rss_mb": peak_mb, "seconds": seconds, "outcome": outcome, "file": name},
    )


def run(
    target: Callable[..., str], *args: Any, name: str, limits: ProcessLimits | None = None
) -> Outcome:
    """``target(*args)`` (a module-level function returning text) in a limited child
    process; ``name`` is the file named in refusals."""
    limits = limits or ProcessLimits.in_force()
    started = time.monotonic()
    slots = _slot(limits.concurrent)
    if not slots.acquire(timeout=limits.wall_seconds):
        raise LimitExceeded(
            name,
            f"服务器正忙：同时解析的文件已达上限（{limits.concurrent} 个），"
            f"等待超过 {limits.wall_seconds:g} 秒，请稍后再试",
        )
    try:
        return _run(target, args, name, limits, started)
    finally:
        slots.release()


def _run(
    target: Callable[..., str],
    args: tuple[Any, ...],
    name: str,
    limits: ProcessLimits,
    started: float,
) -> Outcome:
    ctx = _mp_context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child,
        args=(sender, target, args, limits.memory_mb, limits.cpu_seconds),
        name="jixiao-read",
        daemon=True,
    )
    proc.start()
    sender.close()
    header: dict[str, Any] = {}
    value = b""
    try:
        if not receiver.poll(max(0.0, started + limits.wall_seconds - time.monotonic())):
            _log(name, "wall-clock limit", time.monotonic() - started, 0)
            raise LimitExceeded(
                name, f"解析超过 {limits.wall_seconds:g} 秒（时间上限），已停止，未读取"
            )
        try:
            header = json.loads(receiver.recv_bytes(_MAX_HEADER))
            if header.get("ok"):
                value = receiver.recv_bytes(_MAX_VALUE)
        except (EOFError, OSError, ValueError):
            proc.join(2)
            seconds = time.monotonic() - started
            _log(name, f"child died ({proc.exitcode})", seconds, 0)
            raise _died(name, proc.exitcode, limits) from None
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    seconds = time.monotonic() - started
    peak = float(header.get("peak_kb", 0)) / 1024
    if header.get("ok"):
        _log(name, "read", seconds, peak)
        return Outcome(value=value.decode("utf-8"), peak_rss_mb=peak, seconds=seconds)
    error = _refusal(name, header, limits)
    _log(name, f"refused: {error}", seconds, peak)
    raise error


def _died(name: str, code: int | None, limits: ProcessLimits) -> IngestError:
    if code == -signal.SIGXCPU:
        return LimitExceeded(
            name, f"解析用掉的 CPU 时间超过 {limits.cpu_seconds} 秒（上限），已停止，未读取"
        )
    return LimitExceeded(
        name,
        f"解析进程意外退出（退出码 {code}），可能超出内存上限 {limits.memory_mb} MB，未读取",
    )


def _refusal(name: str, header: dict[str, Any], limits: ProcessLimits) -> IngestError:
    if "limit" in header:
        file, problem = header["limit"]
        return LimitExceeded(str(file), str(problem))
    if "ingest" in header:
        file, problem, line, page = header["ingest"]
        return IngestError(str(file), str(problem), line=line, page=page)
    if header.get("memory"):
        return LimitExceeded(name, f"解析所需内存超过上限 {limits.memory_mb} MB，已停止，未读取")
    if header.get("recursion"):
        return LimitExceeded(name, "内容嵌套过深，超出解析器的递归上限，未读取")
    return LimitExceeded(
        name, f"解析时出错（{header.get('crash', '未知错误')}），文件可能已损坏，未读取"
    )


# -- documents ---------------------------------------------------------------------------


def _read_document(data: bytes, name: str, format: str) -> str:
    from jixiao.ingest import read_bytes
    from jixiao.interchange import dumps

    return dumps(read_bytes(data, name, format=format), indent=None)


def read_bytes_isolated(
    data: bytes, name: str, *, format: str = "auto", limits: ProcessLimits | None = None
) -> Document:
    """:func:`jixiao.ingest.read_bytes` in a limited child process (same result)."""
    from jixiao.interchange import FormatError, loads

    outcome = run(_read_document, data, name, format, name=name, limits=limits)
    try:
        return loads(outcome.value, where=name)
    except FormatError as exc:  # pragma: no cover - the child wrote it with dumps
        raise IngestError(name, f"解析结果无法读回：{exc}") from None


def read_file(path: str | Path, name: str, limits: ProcessLimits | None = None) -> bytes:
    """A file's bytes, refused beyond ``limits.file_mb`` before it is read whole."""
    limits = limits or ProcessLimits.in_force()
    cap = limits.file_mb << 20
    try:
        with open(path, "rb") as stream:
            data = stream.read(cap + 1)
    except IsADirectoryError:
        raise IngestError(name, "is a folder, not a file") from None
    except FileNotFoundError:
        raise IngestError(name, "does not exist") from None
    except OSError as exc:
        raise IngestError(name, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > cap:
        raise LimitExceeded(name, f"文件超过 {limits.file_mb} MB（上限），未读取")
    return data


def read_path_isolated(
    path: str | Path,
    *,
    format: str = "auto",
    name: str | None = None,
    limits: ProcessLimits | None = None,
) -> Document:
    """:func:`jixiao.ingest.read_path` in a limited child process (same result)."""
    label = name or str(path)
    limits = limits or ProcessLimits.in_force()
    return read_bytes_isolated(read_file(path, label, limits), label, format=format, limits=limits)


# -- explaining a reading (jixiao parse --explain) ----------------------------------------


def _explain_document(data: bytes, name: str, format: str) -> str:
    from jixiao.ingest import explain_bytes
    from jixiao.interchange import dumps, location_to_dict

    doc, steps, refused = explain_bytes(data, name, format=format)
    return json.dumps(
        {
            "document": dumps(doc, indent=None) if doc is not None else None,
            "steps": [[s.stage.value, location_to_dict(s.where), s.decision, s.why] for s in steps],
            "refused": (
                [refused.file, refused.problem, refused.line, refused.page, type(refused).__name__]
                if refused is not None
                else None
            ),
        },
        ensure_ascii=False,
    )


def explain_path_isolated(
    path: str | Path,
    *,
    format: str = "auto",
    name: str | None = None,
    limits: ProcessLimits | None = None,
) -> tuple[Document | None, list[Step], IngestError | None]:
    """:func:`jixiao.ingest.explain_path` in a limited child process (same result): the
    document (None when refused), the steps, the refusal.  A file beyond the limits of the
    process itself raises :class:`LimitExceeded` as :func:`read_path_isolated` does."""
    from jixiao.interchange import FormatError, loads, location_from_dict

    label = name or str(path)
    limits = limits or ProcessLimits.in_force()
    data = read_file(path, label, limits)
    outcome = run(_explain_document, data, label, format, name=label, limits=limits)
    found = json.loads(outcome.value)
    steps = [
        Step(Stage(stage), location_from_dict(where), decision, why)
        for stage, where, decision, why in found["steps"]
    ]
    refused: IngestError | None = None
    if found["refused"] is not None:
        file, problem, line, page, kind = found["refused"]
        error = LimitExceeded if kind == LimitExceeded.__name__ else IngestError
        refused = (
            LimitExceeded(file, problem)
            if error is LimitExceeded
            else IngestError(file, problem, line=line, page=page)
        )
    doc = None
    if found["document"] is not None:
        try:
            doc = loads(found["document"], where=label)
        except FormatError as exc:  # pragma: no cover - the child wrote it with dumps
            raise IngestError(label, f"解析结果无法读回：{exc}") from None
    return doc, steps, refused
