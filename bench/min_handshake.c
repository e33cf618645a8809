/* The handshake loop of min-client and min-server (see min_handshake.h). */
#include "min_handshake.h"

#include <sys/socket.h>

bool min_handshake(iotls_session_t *s, int fd)
{
    unsigned st;
    while (!((st = iotls_session_state(s)) & (IOTLS_HANDSHAKE_DONE | IOTLS_CLOSED))) {
        size_t len;
        if (st & IOTLS_WANT_WRITE) {
            const uint8_t *out = iotls_session_send_buf(s, &len);
            ssize_t n = send(fd, out, len, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            iotls_session_send_ack(s, (size_t)n);
        } else if (st & IOTLS_WANT_READ) {
            uint8_t *in = iotls_session_recv_buf(s, &len);
            ssize_t n = recv(fd, in, len, 0);
            if (n <= 0)
                iotls_session_feed_eof(s);
            else
                iotls_session_recv_ack(s, (size_t)n);
        } else {
            break;
        }
    }
    return (iotls_session_state(s) & IOTLS_HANDSHAKE_DONE) != 0;
}
