print("pbx2mqtt: under construction")
