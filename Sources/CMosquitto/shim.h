#ifndef PBX2MQTT_CMOSQUITTO_SHIM_H
#define PBX2MQTT_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#endif
