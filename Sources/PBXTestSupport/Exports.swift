@_exported import LocalMosquitto
