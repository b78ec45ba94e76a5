#!/usr/bin/python3
"""One step of a browser test: drives the first page of a headless Chromium over the DevTools
protocol (--remote-debugging-port) and exits. Debian python3-websocket only.

  cdp.py PORT navigate URL                 load URL, wait for the load event
  cdp.py PORT wait EXPRESSION TIMEOUT      evaluate until truthy; print its JSON value
  cdp.py PORT eval EXPRESSION              print the JSON value of EXPRESSION (awaited)
  cdp.py PORT screenshot PATH              save a PNG of the viewport
  cdp.py PORT close                        close the browser (all its processes end)

Exit 0 on success; 1 with a reason on stderr (for `wait`: the last value seen) otherwise.
The test, not this script, holds the browser: each step connects afresh.
"""
import base64
import itertools
import json
import sys
import time
import urllib.request

import websocket


class Page:
    def __init__(self, port):
        deadline = time.time() + 15
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                    targets = [t for t in json.load(response) if t.get("type") == "page"]
                if targets:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                sys.exit("cdp: no page target on the DevTools port")
            time.sleep(0.1)
        self.socket = websocket.create_connection(
            targets[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events = []

    def call(self, method, **params):
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    sys.exit(f"cdp: {method} failed: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            return None, text
        return result.get("result", {}).get("value"), None


def main(argv):
    sys.stdout.reconfigure(encoding="utf-8")
    if len(argv) < 3:
        sys.exit(__doc__)
    step = argv[2]
    if step == "close":
        with urllib.request.urlopen(f"http://127.0.0.1:{argv[1]}/json/version", timeout=5) as response:
            browser = json.load(response)["webSocketDebuggerUrl"]
        socket = websocket.create_connection(browser, timeout=10, suppress_origin=True)
        socket.send(json.dumps({"id": 1, "method": "Browser.close"}))
        return
    page = Page(int(argv[1]))
    if step == "navigate":
        page.call("Page.enable")
        page.call("Page.navigate", url=argv[3])
        deadline = time.time() + 15
        while not any(e.get("method") == "Page.loadEventFired" for e in page.events):
            if time.time() > deadline:
                sys.exit("cdp: the page did not load within 15 s")
            page.events.append(json.loads(page.socket.recv()))
    elif step == "wait":
        deadline = time.time() + float(argv[4])
        value, error = None, None
        while time.time() < deadline:
            value, error = page.evaluate(argv[3])
            if value and error is None:
                print(json.dumps(value, ensure_ascii=False))
                return
            time.sleep(0.1)
        sys.exit(f"cdp: still false after {argv[4]} s: {argv[3]}\nlast value: {json.dumps(value)} {error or ''}")
    elif step == "eval":
        value, error = page.evaluate(argv[3])
        if error is not None:
            sys.exit(f"cdp: {error}")
        print(json.dumps(value, ensure_ascii=False))
    elif step == "screenshot":
        data = page.call("Page.captureScreenshot", format="png")["data"]
        with open(argv[3], "wb") as file:
            file.write(base64.b64decode(data))
    else:
        sys.exit(f"cdp: unknown step {step!r}")


if __name__ == "__main__":
    main(sys.argv)
