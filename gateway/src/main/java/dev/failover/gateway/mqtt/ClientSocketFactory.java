package dev.failover.gateway.mqtt;

import dev.failover.certs.TlsContexts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The plant PKI's TLS client sockets for Paho: TLS 1.3/1.2 only, and the broker's name checked
 * against its certificate ({@link TlsContexts#clientParameters}). Thread-safe.
 */
final class ClientSocketFactory extends SSLSocketFactory {

    private final SSLContext context;
    private final SSLSocketFactory delegate;

    ClientSocketFactory(SSLContext context) {
        this.context = context;
        this.delegate = context.getSocketFactory();
    }

    private Socket configured(Socket socket) {
        if (socket instanceof SSLSocket ssl) {
            ssl.setSSLParameters(TlsContexts.clientParameters(context, true));
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return configured(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return configured(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configured(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return configured(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return configured(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return configured(delegate.createSocket(address, port, localAddress, localPort));
    }
}
