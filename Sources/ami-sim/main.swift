print("ami-sim: under construction")
