"""A notes API: FastAPI, served by uvicorn (`uvicorn main:app`).

Notes are kept in SQLite on the data volume (DATA_DIR, /home/app/data in the container).
GET /notes lists them, POST /notes adds one, GET /notes/{id} reads one; GET /healthz is the health route.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

DATA_DIR = Path(os.environ.get("DATA_DIR", "/home/app/data"))

app = FastAPI(title="notes")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class Note(NoteIn):
    id: int


@contextmanager
def database() -> Iterator[sqlite3.Connection]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(DATA_DIR / "notes.db")
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        yield connection
        connection.commit()
    finally:
        connection.close()


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/notes")
def list_notes() -> list[Note]:
    with database() as db:
        rows = db.execute("SELECT id, text FROM notes ORDER BY id").fetchall()
    return [Note(id=row[0], text=row[1]) for row in rows]


@app.post("/notes", status_code=201)
def add_note(note: NoteIn) -> Note:
    with database() as db:
        cursor = db.execute("INSERT INTO notes (text) VALUES (?)", (note.text,))
    return Note(id=cursor.lastrowid or 0, text=note.text)


@app.get("/notes/{note_id}")
def read_note(note_id: int) -> Note:
    with database() as db:
        row = db.execute("SELECT id, text FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="no such note")
    return Note(id=row[0], text=row[1])
