package dev.failover.gateway.cli;

import picocli.CommandLine;

/**
 * A gateway's control endpoint as given by {@code --control HOST:PORT}. The port follows the last
 * colon, so an IPv6 host needs no brackets ({@code ::1:7410}).
 */
record ControlAddress(String host, int port) {

    /** The endpoint the commands talk to unless {@code --control} says otherwise (the configuration's default). */
    static final String DEFAULT = "127.0.0.1:7410";

    /** {@code HOST:PORT} as given on the command line, for messages. */
    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** picocli's converter for {@code --control}: its message names the option. */
    static final class Converter implements CommandLine.ITypeConverter<ControlAddress> {
        @Override
        public ControlAddress convert(String text) {
            int colon = text.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(text.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65_535) {
                throw new CommandLine.TypeConversionException(
                        "must be HOST:PORT with a port from 1 to 65535, such as " + DEFAULT + "; got '" + text + "'");
            }
            return new ControlAddress(text.substring(0, colon), port);
        }
    }
}
