package dev.failover.gateway.link.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.gateway.link.LinkError;
import io.netty.handler.codec.DecoderException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How Milo's failures become link errors. */
class UaFailuresTest {

    @ParameterizedTest
    @ValueSource(
            longs = {
                StatusCodes.Bad_CertificateUntrusted,
                StatusCodes.Bad_CertificateHostNameInvalid,
                StatusCodes.Bad_CertificateRevoked,
                StatusCodes.Bad_SecurityChecksFailed,
                StatusCodes.Bad_IdentityTokenRejected,
                StatusCodes.Bad_UserAccessDenied
            })
    void certificateAndIdentityRefusalsWhileConnectingAreSecurityFailures(long code) {
        UaFailures.Failure failure = UaFailures.ofConnect(new ExecutionException(new UaException(code)));

        assertThat(failure.error()).isEqualTo(LinkError.SECURITY);
        assertThat(failure.detail()).contains(UaFailures.name(code));
    }

    /** Our certificate validator's refusal reaches the connect future wrapped in Netty's decoder. */
    @Test
    void aRefusalWrappedByNettyIsStillASecurityFailure() {
        UaException inner = new UaException(StatusCodes.Bad_SecurityChecksFailed, "no path to the trust anchor");
        Throwable wrapped = new CompletionException(new UaException(
                StatusCodes.Bad_CommunicationError, new DecoderException("UaException: " + inner.getMessage(), inner)));

        assertThat(UaFailures.ofConnect(wrapped).error()).isEqualTo(LinkError.SECURITY);
    }

    @Test
    void aClosedPortIsUnreachableAndASilentOneATimeout() {
        UaException refused = new UaException(StatusCodes.Bad_ConnectionRejected, new ConnectException("refused"));

        assertThat(UaFailures.ofConnect(refused).error()).isEqualTo(LinkError.UNREACHABLE);
        assertThat(UaFailures.ofConnect(new UaException(StatusCodes.Bad_Timeout))
                        .error())
                .isEqualTo(LinkError.TIMEOUT);
    }

    @Test
    void aClosedChannelOrSessionLosesTheConnectionAndReplacesIt() {
        for (long code : new long[] {
            StatusCodes.Bad_ConnectionClosed, StatusCodes.Bad_SecureChannelClosed, StatusCodes.Bad_SessionIdInvalid
        }) {
            UaException e = new UaException(code);

            assertThat(UaFailures.ofRequest(e).error()).isEqualTo(LinkError.CONNECTION_LOST);
            assertThat(UaFailures.replacesConnection(e)).isTrue();
        }
    }

    @Test
    void aServiceFaultIsARejectionNamingItsStatusAndKeepsTheConnection() {
        UaException fault = new UaException(StatusCodes.Bad_TooManyOperations);

        UaFailures.Failure failure = UaFailures.ofRequest(fault);

        assertThat(failure.error()).isEqualTo(LinkError.REJECTED);
        assertThat(failure.detail()).startsWith("Bad_TooManyOperations");
        assertThat(UaFailures.replacesConnection(fault)).isFalse();
    }
}
