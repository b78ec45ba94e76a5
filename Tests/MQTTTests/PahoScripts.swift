/// A paho-mqtt (Debian's python3-paho-mqtt 1.6) responder: subscribes to `<root>/request`,
/// prints `READY` once subscribed, prints `GOT <json>` for the first request (with its MQTT 5
/// properties), answers it and prints `SENT` once the answer is acknowledged.
/// MQTT 5: the answer goes to the request's Response Topic with its Correlation Data and
/// properties of its own; 3.1.1: to `<root>/reply`.
/// Arguments: host port root protocol(5|311).
let pahoResponderScript = #"""
    import json, sys, time
    import paho.mqtt.client as mqtt
    from paho.mqtt.properties import Properties
    from paho.mqtt.packettypes import PacketTypes

    host, port, root, version = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    v5 = version == "5"
    state = {"sent_mid": None, "done": False}

    def on_connect(client, userdata, flags, rc, properties=None):
        client.subscribe(root + "/request", qos=1)

    def on_subscribe(client, userdata, mid, granted, properties=None):
        print("READY", flush=True)

    def on_message(client, userdata, msg):
        if state["sent_mid"] is not None:
            return
        info = {"topic": msg.topic, "payload": msg.payload.decode()}
        if v5:
            p = msg.properties
            info["responseTopic"] = getattr(p, "ResponseTopic", None)
            info["correlationData"] = p.CorrelationData.hex() if hasattr(p, "CorrelationData") else None
            info["contentType"] = getattr(p, "ContentType", None)
            info["userProperties"] = [list(pair) for pair in getattr(p, "UserProperty", [])]
            reply = Properties(PacketTypes.PUBLISH)
            if hasattr(p, "CorrelationData"):
                reply.CorrelationData = p.CorrelationData
            reply.ContentType = "application/json"
            reply.UserProperty = [("origin", "paho"), ("origin", "again")]
            reply.MessageExpiryInterval = 60
            reply.ResponseTopic = root + "/back"
            target = getattr(p, "ResponseTopic", root + "/reply")
            result = client.publish(target, b'{"ok":true}', qos=1, properties=reply)
        else:
            result = client.publish(root + "/reply", b'{"ok":true}', qos=1)
        print("GOT " + json.dumps(info), flush=True)
        state["sent_mid"] = result.mid

    def on_publish(client, userdata, mid):
        if mid == state["sent_mid"]:
            print("SENT", flush=True)
            state["done"] = True

    client = mqtt.Client(client_id="", protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311)
    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    client.on_publish = on_publish
    client.connect(host, port, keepalive=10)
    client.loop_start()
    deadline = time.time() + 15
    while not state["done"] and time.time() < deadline:
        time.sleep(0.02)
    client.disconnect()
    client.loop_stop()
    sys.exit(0 if state["done"] else 1)
    """#
