"""Where each shard of a stream was left: the last sequence number handled (delivered, filtered
out or set aside), and whether the shard was read to its end. One JSON file per function and
stream ARN, so a restart resumes each event-source mapping instead of replaying the stream."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote


@dataclass(frozen=True)
class Checkpoint:
    sequence: str | None
    finished: bool = False


class CheckpointStore:
    """Checkpoints kept in `folder` (None: in memory only, for runs whose data is in memory)."""

    def __init__(self, folder: Path | None, function: str, stream_arn: str) -> None:
        self.path = None if folder is None else folder / f"{function}@{quote(stream_arn, safe='')}.json"
        self._lock = threading.Lock()
        self._shards: dict[str, Checkpoint] = self._load()

    def _load(self) -> dict[str, Checkpoint]:
        if self.path is None or not self.path.is_file():
            return {}
        stored = json.loads(self.path.read_text())
        return {
            shard: Checkpoint(item.get("sequence"), bool(item.get("finished")))
            for shard, item in stored.items()
        }

    @property
    def empty(self) -> bool:
        return not self._shards

    def get(self, shard_id: str) -> Checkpoint | None:
        with self._lock:
            return self._shards.get(shard_id)

    def save(self, shard_id: str, checkpoint: Checkpoint) -> None:
        with self._lock:
            if self._shards.get(shard_id) == checkpoint:
                return
            self._shards[shard_id] = checkpoint
            if self.path is None:
                return
            document = {
                shard: {"sequence": c.sequence, "finished": c.finished} for shard, c in self._shards.items()
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            staging = self.path.with_suffix(".tmp")
            staging.write_text(json.dumps(document, indent=1, sort_keys=True))
            os.replace(staging, self.path)  # atomic: a crash leaves the old or the new file, never half
