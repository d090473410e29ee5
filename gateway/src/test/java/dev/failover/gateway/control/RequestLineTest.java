package dev.failover.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The control endpoint's request line: kept up to the limit, counted and drained beyond it. */
class RequestLineTest {

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLineUpToTheLimitIsKeptWithoutItsNewline() throws IOException {
        RequestLine line = RequestLine.read(bytes("{\"op\":\"status\"}\nnext"), 15, 100);

        assertThat(line.oversized()).isFalse();
        assertThat(line.text()).isEqualTo("{\"op\":\"status\"}");
        assertThat(line.size()).isEqualTo(15);
    }

    @Test
    void aLongerLineIsReadToItsEndAndOnlyItsSizeKept() throws IOException {
        InputStream in = bytes("x".repeat(10_000) + "\nrest");

        RequestLine line = RequestLine.read(in, 4096, 1_000_000);

        assertThat(line.oversized()).isTrue();
        assertThat(line.size()).isEqualTo(10_000);
        assertThat(line.ended()).isTrue();
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                .as("nothing beyond the line is consumed")
                .isEqualTo("rest");
    }

    @Test
    void theDrainStopsAtItsLimit() throws IOException {
        RequestLine line = RequestLine.read(bytes("y".repeat(5000)), 100, 1000);

        assertThat(line.oversized()).isTrue();
        assertThat(line.ended()).isFalse();
        assertThat(line.size()).isEqualTo(1000);
    }

    @Test
    void multiByteCharactersCountAsTheirBytes() throws IOException {
        RequestLine line = RequestLine.read(bytes("äöü\n"), 6, 100);

        assertThat(line.text()).isEqualTo("äöü");
        assertThat(line.size()).isEqualTo(6);
        assertThat(RequestLine.read(bytes("äöü\n"), 5, 100).oversized()).isTrue();
    }

    @Test
    void anEndedStreamIsAnEmptyLine() throws IOException {
        assertThat(RequestLine.read(bytes(""), 10, 100).text()).isEmpty();
    }
}
