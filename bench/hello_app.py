"""Baselines of bench/endpoint_bench.py: a bare Flask hello world, and a JSON echo POST (the
HTTP and JSON work of the consent POST without validation, hashing or storage)."""

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


@app.post("/echo")
def echo() -> Any:
    return request.get_json(), 201
