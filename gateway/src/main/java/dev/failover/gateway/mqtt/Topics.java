package dev.failover.gateway.mqtt;

import dev.failover.gateway.config.MqttConfig;

/**
 * The gateway's MQTT topic tree (docs/mqtt.md): {@code <prefix>/<site>/<gateway>/} followed by {@code
 * status} (retained: online or not), {@code pairs/<pair>/state} (retained: the pair's state), {@code
 * events/<category>/<TYPE>} (one QoS 1 message per event) and {@code audit/checkpoint} (retained: the
 * latest signed checkpoint of the audit log). Names were checked by the configuration loader to hold
 * no topic separator or wildcard. Immutable.
 */
record Topics(String root) {

    static Topics of(MqttConfig config, String gateway) {
        return new Topics(config.topicPrefix() + "/" + config.site() + "/" + gateway);
    }

    String status() {
        return root + "/status";
    }

    String state(String pair) {
        return root + "/pairs/" + pair + "/state";
    }

    String event(String category, String type) {
        return root + "/events/" + category + "/" + type;
    }

    String checkpoint() {
        return root + "/audit/checkpoint";
    }

    /** Everything the gateway publishes: what its ACL entry must allow it to write. */
    String all() {
        return root + "/#";
    }
}
