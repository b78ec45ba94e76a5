#!/usr/bin/python3
"""Measures the command round trip of a running pbx2mqtt: MQTT 5 request -> reply.

Sends N `queue/pause` requests one after another (each waits for its reply), with a Response
Topic and Correlation Data, and prints p50/p90/p99/max in milliseconds. Alternates paused
true/false so that Asterisk really changes the member each time.

    /usr/bin/python3 scripts/command-rtt.py --port 1883 --agent 2001 --queue q1 -n 200

Needs Debian's python3-paho-mqtt (call /usr/bin/python3, not a pyenv python).
"""
import argparse
import json
import socket
import threading
import time
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=1883)
parser.add_argument("--prefix", default="pbx")
parser.add_argument("--agent", default="2001")
parser.add_argument("--queue", default=None)
parser.add_argument("-n", type=int, default=200)
parser.add_argument("--command", default="queue/pause", choices=["queue/pause", "queue/status"],
                    help="queue/status never reaches Asterisk: it isolates the MQTT side")
args = parser.parse_args()

response_topic = f"rtt/{uuid.uuid4()}"
arrived = threading.Event()
last = {}
subscribed = threading.Event()


def on_connect(client, userdata, flags, rc, properties=None):
    client.subscribe(response_topic, qos=1)


def on_subscribe(client, userdata, mid, rc, properties=None):
    subscribed.set()


def on_message(client, userdata, message):
    last["corr"] = getattr(message.properties, "CorrelationData", b"")
    last["reply"] = json.loads(message.payload)
    arrived.set()


client = mqtt.Client(client_id=f"rtt-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5)
client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
client.connect(args.host, args.port)
# Nagle off on this side, so that only the bridge's own latency is measured.
client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
client.loop_start()
subscribed.wait(10)

samples = []
errors = 0
for index in range(args.n):
    body = {"agent": args.agent, "paused": index % 2 == 0, "reason": "rtt"}
    if args.queue:
        body["queue"] = args.queue
    corr = f"rtt-{index}".encode()
    props = Properties(PacketTypes.PUBLISH)
    props.ResponseTopic = response_topic
    props.CorrelationData = corr
    arrived.clear()
    started = time.perf_counter()
    if args.command == "queue/status":
        body = {"queue": args.queue} if args.queue else {}
    client.publish(f"{args.prefix}/cmd/{args.command}", json.dumps(body), qos=1, properties=props)
    if not arrived.wait(5):
        errors += 1
        continue
    elapsed = (time.perf_counter() - started) * 1000
    if last["corr"] != corr or last["reply"].get("status") != "ok":
        errors += 1
        continue
    samples.append(elapsed)

client.loop_stop()
samples.sort()


def pct(p):
    return samples[min(len(samples) - 1, int(round(p / 100 * (len(samples) - 1))))]


if samples:
    print(f"{args.command} round trip over {len(samples)} requests ({errors} failed): "
          f"p50 {pct(50):.2f} ms, p90 {pct(90):.2f} ms, p99 {pct(99):.2f} ms, max {samples[-1]:.2f} ms")
else:
    print(f"no successful request ({errors} failed)")
