"""The soak run behind scripts/soak: hours of traffic with faults, RSS over time, reconnects,
and whether the published state ever drifts from Asterisk's truth.

Runs a private mosquitto (stock settings plus a loopback listener and set_tcp_nodelay), the AMI
simulator with generated calls, `pbx2mqtt run` and a long-lived paho subscriber on `{prefix}/#`.
Every cycle it lets traffic run, injects one fault (AMI drop, Asterisk restart, a stalled or
garbled AMI, broker kill -9, broker and Asterisk down at once), then stops the traffic, waits for
the calls to end and checks the state: a reference bridge started fresh against the same
simulator (prefix `ref`) is the truth; the long-lived subscriber's view and the broker's retained
store under the soak prefix must equal it, topic by topic (the `since` instants, which record when
a bridge saw a change, are left out). Writes samples.csv and summary.md into --out.

Run with Debian's /usr/bin/python3 (python3-paho-mqtt); scripts/soak builds and starts it.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import paho.mqtt.client as mqtt

PREFIX = "pbx"
REFERENCE_PREFIX = "ref"
# Topics that describe a bridge process rather than the call center.
PROCESS_TOPICS = re.compile(r"^[^/]+/bridge/")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


class Broker:
    """A mosquitto with stock settings, restartable on the same port."""

    def __init__(self, directory):
        self.port = free_port()
        self.config = os.path.join(directory, "mosquitto.conf")
        with open(self.config, "w") as f:
            f.write(
                f"listener {self.port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n"
                f"persistence false\nlog_type error\nlog_dest file {directory}/mosquitto.log\nuser root\n"
            )
        self.process = None

    def start(self):
        self.process = subprocess.Popen(["/usr/sbin/mosquitto", "-c", self.config])
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


class Simulator:
    """ami-sim with its fault commands on stdin."""

    def __init__(self, binaries, agents, queues, cps, time_scale, log_path):
        self.port = free_port()
        self.cps = cps
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [
                os.path.join(binaries, "ami-sim"), "--port", str(self.port), "--agents", str(agents),
                "--queues", str(queues), "--cps", str(cps), "--time-scale", str(time_scale), "--seed", "7",
                "--log-level", "notice",
            ],
            stdin=subprocess.PIPE, stdout=self.log, stderr=self.log, text=True,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("ami-sim did not start")

    def command(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


class Bridge:
    """`pbx2mqtt run` with its /metrics on a free port."""

    def __init__(self, binaries, broker, simulator, prefix, log_path):
        self.http_port = free_port()
        self.log_path = log_path
        env = dict(os.environ)
        env.update(
            {
                "PBX2MQTT_AMI_PORT": str(simulator.port),
                "PBX2MQTT_AMI_USERNAME": "bridge",
                "PBX2MQTT_AMI_SECRET": "bridgepw",
                "PBX2MQTT_MQTT_PORT": str(broker.port),
                "PBX2MQTT_MQTT_PREFIX": prefix,
                "PBX2MQTT_MQTT_CLIENT_ID": f"soak-{prefix}",
                "PBX2MQTT_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                "PBX2MQTT_LOG_FORMAT": "text",
            }
        )
        self.log = open(log_path, "a")
        self.process = subprocess.Popen(
            [os.path.join(binaries, "pbx2mqtt"), "run"], env=env, stdout=self.log, stderr=self.log
        )

    def rss_kib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return tuple(int(fields[k].split()[0]) for k in ("VmRSS", "RssAnon", "RssFile"))

    def metrics(self):
        try:
            text = urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/metrics", timeout=2).read().decode()
        except OSError:
            return {}
        values = {}
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            name, _, value = line.rpartition(" ")
            base = name.split("{", 1)[0]
            try:
                values[base] = values.get(base, 0.0) + float(value)
            except ValueError:
                pass
        return values

    def log_count(self, text):
        with open(self.log_path, errors="replace") as f:
            return sum(1 for line in f if text in line)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class View:
    """A subscriber's view of every retained topic under some prefixes, and its traffic."""

    def __init__(self, port, prefixes, client_id, qos=1):
        self.lock = threading.Lock()
        self.topics = {}
        self.messages = 0
        self.last_message = time.time()
        self.connects = 0
        self.prefixes = prefixes
        self.qos = qos
        self.client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5)
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=1)
        self.client.connect_async("127.0.0.1", port)
        self.client.loop_start()

    def on_connect(self, client, userdata, flags, reason, properties=None):
        with self.lock:
            self.connects += 1
            # A new session (a restarted broker, or this clean-start client) delivers every
            # retained topic again; what it does not deliver no longer exists, so the view starts
            # over, as a dashboard's cache should.
            if not flags.get("session present"):
                self.topics.clear()
        # Retain As Published: a live state message keeps its retain flag, an event has none.
        options = mqtt.SubscribeOptions(qos=self.qos, retainAsPublished=True)
        for prefix in self.prefixes:
            client.subscribe(prefix + "/#", options=options)

    def on_message(self, client, userdata, message):
        with self.lock:
            self.messages += 1
            self.last_message = time.time()
            if message.retain:
                if message.payload:
                    self.topics[message.topic] = message.payload
                else:
                    self.topics.pop(message.topic, None)

    def state(self, prefix):
        """The retained-state topics under `prefix`, without it, values normalised."""
        with self.lock:
            items = list(self.topics.items())
        result = {}
        for topic, payload in items:
            if not topic.startswith(prefix + "/") or PROCESS_TOPICS.match(topic) or "/cmd/" in topic:
                continue
            result[topic[len(prefix) + 1 :]] = normalise(payload)
        return result

    def quiet_for(self, seconds):
        with self.lock:
            return time.time() - self.last_message >= seconds

    def stop(self):
        self.client.loop_stop()
        self.client.disconnect()


def normalise(payload):
    try:
        value = json.loads(payload)
    except ValueError:
        return payload.decode(errors="replace")
    if isinstance(value, dict):
        value.pop("since", None)
    return json.dumps(value, sort_keys=True)


def retained_snapshot(port, prefixes, settle=2.0):
    """A fresh subscriber's view: exactly what the broker retains.

    At QoS 0: a stock mosquitto queues at most 1000 QoS 1 messages for a client and drops the
    rest, so a QoS 1 snapshot of a few thousand retained topics would miss some.
    """
    view = View(port, prefixes, f"soak-snapshot-{time.time_ns()}", qos=0)
    deadline = time.time() + 30
    while time.time() < deadline and not (view.connects and view.quiet_for(settle)):
        time.sleep(0.2)
    view.stop()
    return view


def differences(truth, seen):
    missing = sorted(set(truth) - set(seen))
    stale = sorted(set(seen) - set(truth))
    changed = sorted(t for t in set(truth) & set(seen) if truth[t] != seen[t])
    return missing, stale, changed


def wait_until(predicate, timeout, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


FAULTS = [
    "ami-drop",
    "asterisk-restart",
    "broker-kill",
    "ami-stall",
    "ami-garbage",
    "asterisk-hard-restart",
    "broker-and-asterisk-down",
]


def inject(fault, simulator, broker):
    if fault == "ami-drop":
        simulator.command("drop")
    elif fault == "asterisk-restart":
        simulator.command("restart 3")
    elif fault == "asterisk-hard-restart":
        simulator.command("restart hard 3")
    elif fault == "ami-stall":
        # Longer than ami.keepaliveSeconds (20) plus its answer timeout: the keepalive must notice.
        simulator.command("stall 45")
    elif fault == "ami-garbage":
        simulator.command("garbage")
    elif fault == "broker-kill":
        broker.kill()
        time.sleep(3)
        broker.start()
    elif fault == "broker-and-asterisk-down":
        broker.kill()
        simulator.command("restart hard 6")
        time.sleep(3)
        broker.start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binaries", required=True)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--cycle-seconds", type=float, default=300)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--queues", type=int, default=20)
    parser.add_argument("--cps", type=float, default=6.5)
    parser.add_argument("--time-scale", type=float, default=0.1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="pbx2mqtt-soak-")
    log(f"soak: {args.minutes} min, cycle {args.cycle_seconds} s, work files in {work}")

    broker = Broker(work)
    broker.start()
    simulator = Simulator(args.binaries, args.agents, args.queues, args.cps, args.time_scale, f"{work}/ami-sim.log")
    bridge = Bridge(args.binaries, broker, simulator, PREFIX, f"{work}/pbx2mqtt.log")
    # QoS 0 like the snapshots: a stock mosquitto drops QoS 1 messages past 1000 queued for one
    # subscriber, which the resync after a broker restart (thousands of retained topics) exceeds.
    live = View(broker.port, [PREFIX], "soak-live", qos=0)
    samples = open(os.path.join(args.out, "samples.csv"), "w")
    samples.write("seconds,rss_kib,anon_kib,file_kib,ami_events,mqtt_publishes,mqtt_dropped\n")
    start = time.time()
    checks = []
    stop_sampling = threading.Event()

    def sample():
        while not stop_sampling.wait(10):
            try:
                rss, anon, file_backed = bridge.rss_kib()
            except OSError:
                continue
            m = bridge.metrics()
            samples.write(
                f"{time.time() - start:.0f},{rss},{anon},{file_backed},{m.get('pbx2mqtt_ami_events_total', 0):.0f},"
                f"{m.get('pbx2mqtt_mqtt_publishes_total', 0):.0f},{m.get('pbx2mqtt_mqtt_dropped_total', 0):.0f}\n"
            )
            samples.flush()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        cycle = 0
        while time.time() - start < args.minutes * 60:
            fault = FAULTS[cycle % len(FAULTS)]
            cycle_start = time.time()
            traffic_seconds = args.cycle_seconds - 80
            time.sleep(traffic_seconds / 2)
            log(f"cycle {cycle + 1}: {fault}")
            fault_at = time.time()
            inject(fault, simulator, broker)
            time.sleep(max(5.0, traffic_seconds / 2 - (time.time() - fault_at)))
            checks.append(check(cycle + 1, fault, args, simulator, broker, bridge, live, work))
            simulator.command(f"traffic {args.cps}")
            cycle += 1
            log(f"cycle {cycle} took {time.time() - cycle_start:.0f} s")
    finally:
        stop_sampling.set()
        sampler.join()
        samples.close()
        metrics = bridge.metrics()
        counts = {
            "mqtt_connects": bridge.log_count("MQTT connected; publishing retained state"),
            "ami_logins": bridge.log_count("AMI connected"),
            "ami_reconnects": metrics.get("pbx2mqtt_ami_reconnects_total", 0),
            "ami_events": metrics.get("pbx2mqtt_ami_events_total", 0),
            "mqtt_publishes": metrics.get("pbx2mqtt_mqtt_publishes_total", 0),
            "mqtt_dropped": metrics.get("pbx2mqtt_mqtt_dropped_total", 0),
            "log_lines": bridge.log_count(""),
            "seconds": time.time() - start,
        }
        live.stop()
        bridge.stop()
        simulator.stop()
        broker.stop()
        write_summary(args, checks, counts, os.path.join(args.out, "samples.csv"), os.path.join(args.out, "summary.md"))
    failed = [c for c in checks if not c["ok"]]
    log(f"soak finished: {len(checks)} checks, {len(failed)} failed")
    return 1 if failed or not checks else 0


def check(number, fault, args, simulator, broker, bridge, live, work):
    """Stops the traffic, lets the calls end, and compares the state with a fresh bridge's."""
    simulator.command("traffic stop")
    # Calls end within a few simulated minutes; the state is settled when nothing moves for 10 s.
    wait_until(lambda: live.quiet_for(10), 120)
    reference = Bridge(args.binaries, broker, simulator, REFERENCE_PREFIX, f"{work}/reference.log")
    converged_at = None
    began = time.time()
    try:
        wait_until(lambda: retained_snapshot(broker.port, [REFERENCE_PREFIX], settle=1.0).state(REFERENCE_PREFIX), 60)
        snapshot = None
        for _ in range(20):
            snapshot = retained_snapshot(broker.port, [PREFIX, REFERENCE_PREFIX])
            truth = snapshot.state(REFERENCE_PREFIX)
            retained = snapshot.state(PREFIX)
            if truth and retained == truth and live.state(PREFIX) == truth:
                converged_at = time.time()
                break
            time.sleep(1)
    finally:
        reference.stop()
    truth = snapshot.state(REFERENCE_PREFIX)
    retained_diff = differences(truth, snapshot.state(PREFIX))
    live_diff = differences(truth, live.state(PREFIX))
    clear_prefix(broker.port, snapshot, REFERENCE_PREFIX)
    ok = converged_at is not None
    result = {
        "cycle": number,
        "fault": fault,
        "topics": len(truth),
        "ok": ok,
        "retained": [len(part) for part in retained_diff],
        "live": [len(part) for part in live_diff],
        "examples": [t for part in retained_diff + live_diff for t in part][:5],
        # The values of the first differing topics, to tell which field drifted.
        "values": {
            t: (truth.get(t), snapshot.state(PREFIX).get(t))
            for t in (retained_diff[2] + live_diff[2])[:3]
        },
        "compare_seconds": (converged_at or time.time()) - began,
    }
    log(f"check {number} after {fault}: {'equal' if ok else 'DIFFERENT'} over {len(truth)} topics {result}")
    return result


def clear_prefix(port, snapshot, prefix):
    """Removes the reference bridge's retained topics so the next check starts from nothing."""
    client = mqtt.Client(client_id=f"soak-clear-{time.time_ns()}", protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", port)
    client.loop_start()
    with snapshot.lock:
        topics = [t for t in snapshot.topics if t.startswith(prefix + "/")]
    for topic in topics:
        client.publish(topic, b"", qos=1, retain=True).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


def write_summary(args, checks, counts, samples_path, summary_path):
    rows = []
    with open(samples_path) as f:
        next(f)
        for line in f:
            rows.append([float(x) for x in line.strip().split(",")])
    lines = [
        "# Soak run",
        "",
        f"`scripts/soak --minutes {args.minutes:g}` on {socket.gethostname()} "
        f"({os.cpu_count()} cores), {time.strftime('%Y-%m-%d')}: {args.agents} agents, {args.queues} queues, "
        f"{args.cps:g} calls/s at time scale {args.time_scale:g}, a fault every {args.cycle_seconds:g} s; "
        "mosquitto with stock settings (loopback listener, set_tcp_nodelay).",
        "",
    ]
    if rows:
        duration = rows[-1][0]
        events = rows[-1][4]
        lines += [
            f"- Duration {duration / 60:.1f} min; AMI events received {events:.0f} "
            f"({events / max(duration, 1):.0f}/s on average, traffic paused during each check).",
        ]
        peak = max(r[4] - p[4] for p, r in zip(rows, rows[1:])) / 10 if len(rows) > 1 else 0
        lines.append(f"- Highest 10-s event rate: {peak:.0f} events/s.")
    lines += [
        f"- Reconnects: MQTT connections {counts['mqtt_connects']:.0f}, AMI logins {counts['ami_logins']:.0f} "
        f"(AMI reconnect counter {counts['ami_reconnects']:.0f}).",
        f"- MQTT publications {counts['mqtt_publishes']:.0f}, dropped {counts['mqtt_dropped']:.0f}; "
        f"daemon log lines {counts['log_lines']:.0f} in the whole run.",
        f"- State checks: {sum(1 for c in checks if c['ok'])} of {len(checks)} equal to a fresh bridge's state "
        "(state messages lost: "
        f"{sum(c['retained'][0] + c['live'][0] for c in checks)} missing, "
        f"{sum(c['retained'][1] + c['live'][1] for c in checks)} stale, "
        f"{sum(c['retained'][2] + c['live'][2] for c in checks)} different topics at the end of the checks).",
        "",
        "| cycle | fault | topics | equal | missing/stale/different (retained) | (live subscriber) | seconds to equal |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in checks:
        lines.append(
            f"| {c['cycle']} | {c['fault']} | {c['topics']} | {'yes' if c['ok'] else 'NO'} | "
            f"{'/'.join(map(str, c['retained']))} | {'/'.join(map(str, c['live']))} | {c['compare_seconds']:.1f} |"
        )
    if rows:
        lines += ["", "RSS of the daemon every 10 minutes (KiB: total, anonymous, file-backed):", ""]
        lines += ["| minute | RSS | anonymous | file-backed |", "|---|---|---|---|"]
        next_mark = 0
        for r in rows:
            if r[0] >= next_mark:
                lines.append(f"| {r[0] / 60:.0f} | {r[1]:.0f} | {r[2]:.0f} | {r[3]:.0f} |")
                next_mark += 600
        last = rows[-1]
        lines.append(f"| {last[0] / 60:.0f} (end) | {last[1]:.0f} | {last[2]:.0f} | {last[3]:.0f} |")
        later = [r for r in rows if r[0] >= 600]
        if later:
            lines += [
                "",
                f"Anonymous RSS after the first 10 minutes: {min(r[2] for r in later):.0f}–"
                f"{max(r[2] for r in later):.0f} KiB (first {later[0][2]:.0f}, last {later[-1][2]:.0f}).",
            ]
    with open(summary_path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
