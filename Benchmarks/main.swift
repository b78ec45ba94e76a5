print("pbx2mqtt-bench: under construction")
