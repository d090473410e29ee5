package dev.failover.gateway.mqtt;

import dev.failover.gateway.config.MqttConfig;
import java.net.URI;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** What the gateway's two MQTT connections (the JSON tree, the Sparkplug node) share. Stateless. */
final class Connections {

    private Connections() {}

    /**
     * The options of a connection: the brokers in turn, a clean start (the outboxes are ours), the
     * keep-alive and timeout, no Paho reconnect (the callers reconnect with their own back-off), TLS
     * with the plant PKI and the broker's name checked unless insecure.
     *
     * @param sessionExpirySeconds how long the broker keeps the session after a lost connection
     */
    static MqttConnectionOptions options(MqttConfig config, SSLContext tls, long sessionExpirySeconds) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setServerURIs(config.brokers().stream().map(URI::toString).toArray(String[]::new));
        options.setCleanStart(true);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setKeepAliveInterval((int) config.keepAlive().toSeconds());
        options.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
        options.setAutomaticReconnect(false);
        if (!config.insecure()) {
            options.setSocketFactory(new ClientSocketFactory(tls));
            options.setHttpsHostnameVerificationEnabled(true);
        }
        return options;
    }

    /** How long a connection attempt is waited for: every broker's timeout, and a second. */
    static long connectWaitMillis(MqttConfig config) {
        return config.connectTimeout().toMillis() * config.brokers().size() + 1_000;
    }

    /** Sleeps {@code millis}, in short steps, while {@code running}. */
    static void sleep(long millis, BooleanSupplier running) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (running.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    /** A Paho callback that reports a lost connection and ignores the rest unless overridden. */
    abstract static class Callback implements MqttCallback {

        /** The connection is gone (lost, or closed by the broker). */
        abstract void lost();

        @Override
        public final void disconnected(MqttDisconnectResponse response) {
            lost();
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void messageArrived(String topic, MqttMessage message) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
