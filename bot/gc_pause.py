"""No garbage collections while the process starts.

Importing the stack and our modules allocates hundreds of thousands of objects and frees few:
CPython's collector would walk them again and again (about 7% of start-up's CPU). `python -m
bot` turns collection off before importing anything (bot/__main__.py); `resume()` turns it back
on once start-up is over: after the first answers when serving (bot/serve.py), before any
other command runs (bot/cli). It first collects what start-up left behind, then freezes the
survivors (the modules, classes, the campaign, the flows...) so that later collections skip
them."""

from __future__ import annotations

import gc


def pause() -> None:
    gc.disable()


def resume() -> None:
    if gc.isenabled():  # never paused (the thidua-bot entry point, tests): nothing to do
        return
    gc.collect()
    gc.freeze()
    gc.enable()
