package dev.digest.api.web;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses a JSON body that is not strictly UTF-8 (RFC 3629): overlong forms such as
 * {@code C0 AF} for "/", surrogates and code points past U+10FFFF. Jackson decodes some of
 * these leniently, so a check on the decoded text could be dodged by spelling it in bytes.
 */
@Provider
public class StrictUtf8 implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type != null && (type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"))) {
            context.setInputStream(new Validating(context.getInputStream()));
        }
        return context.proceed();
    }

    /** Passes bytes through, checking each against the UTF-8 state machine. */
    static final class Validating extends FilterInputStream {

        private int pending;
        private int low = 0x80;
        private int high = 0xBF;

        Validating(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                end();
            } else {
                check(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                end();
            }
            for (int i = 0; i < n; i++) {
                check(buffer[offset + i] & 0xFF);
            }
            return n;
        }

        private void check(int b) {
            if (pending > 0) {
                if (b < low || b > high) {
                    throw invalid();
                }
                pending--;
                low = 0x80;
                high = 0xBF;
                return;
            }
            if (b < 0x80) {
                return;
            }
            if (b >= 0xC2 && b <= 0xDF) {
                pending = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                pending = 2;
                low = b == 0xE0 ? 0xA0 : 0x80;
                high = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                pending = 3;
                low = b == 0xF0 ? 0x90 : 0x80;
                high = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                throw invalid();
            }
        }

        private void end() {
            if (pending > 0) {
                throw invalid();
            }
        }

        private static ProblemException invalid() {
            return new ProblemException(ProblemType.MALFORMED_REQUEST, "The body is not valid UTF-8");
        }
    }
}
