/* Every BearSSL 0.6 error number mapped to a specific iotls code and text.
 * Alerts (+256 received, +512 sent) are named by iotls_alert_name(). */
#include <bearssl.h>

#include "tls/bearssl/br_errors.h"

/* Terse builds (IOTLS_ERROR_TEXT=0) keep the codes and drop the sentences,
 * and a row shrinks to two 16-bit numbers (BearSSL's codes are below 1024,
 * iotls's below 65536). */
#if IOTLS_ERROR_TEXT
#define TEXT(s) s
static const struct {
    int br;
    iotls_err_t code;
    const char *text;
} table[] = {
#else
#define TEXT(s)
static const struct {
    int16_t br;
    uint16_t code;
} table[] = {
#endif
    {BR_ERR_OK, IOTLS_OK, TEXT("no error")},
    {BR_ERR_BAD_PARAM, IOTLS_ERR_BAD_ARGUMENT, TEXT("invalid parameter passed to the TLS engine")},
    {BR_ERR_BAD_STATE, IOTLS_ERR_BAD_STATE, TEXT("TLS engine called in the wrong state")},
    {BR_ERR_UNSUPPORTED_VERSION, IOTLS_ERR_NO_COMMON_CIPHER,
     TEXT("peer does not support TLS 1.2 (the only version iotls speaks)")},
    {BR_ERR_BAD_VERSION, IOTLS_ERR_PROTOCOL,
     TEXT("record version changed in the middle of the connection")},
    {BR_ERR_BAD_LENGTH, IOTLS_ERR_PROTOCOL, TEXT("record with an invalid length")},
    {BR_ERR_TOO_LARGE, IOTLS_ERR_RECORD_TOO_LARGE,
     TEXT("record (or handshake message) too large for the record buffer")},
    {BR_ERR_BAD_MAC, IOTLS_ERR_PROTOCOL,
     TEXT("record failed decryption (bad MAC): corrupted or forged data")},
    {BR_ERR_NO_RANDOM, IOTLS_ERR_NO_ENTROPY,
     TEXT("no entropy for the TLS engine's random generator")},
    {BR_ERR_UNKNOWN_TYPE, IOTLS_ERR_PROTOCOL, TEXT("record of an unknown content type")},
    {BR_ERR_UNEXPECTED, IOTLS_ERR_PROTOCOL, TEXT("unexpected message from the peer")},
    {BR_ERR_BAD_CCS, IOTLS_ERR_PROTOCOL, TEXT("invalid ChangeCipherSpec message")},
    {BR_ERR_BAD_ALERT, IOTLS_ERR_PROTOCOL, TEXT("invalid alert message")},
    {BR_ERR_BAD_HANDSHAKE, IOTLS_ERR_PROTOCOL, TEXT("malformed handshake message")},
    {BR_ERR_OVERSIZED_ID, IOTLS_ERR_PROTOCOL, TEXT("session ID longer than 32 bytes")},
    {BR_ERR_BAD_CIPHER_SUITE, IOTLS_ERR_NO_COMMON_CIPHER,
     TEXT("peer chose a cipher suite that was not offered, or none is shared")},
    {BR_ERR_BAD_COMPRESSION, IOTLS_ERR_PROTOCOL,
     TEXT("peer chose an unsupported compression method")},
    {BR_ERR_BAD_FRAGLEN, IOTLS_ERR_PROTOCOL,
     TEXT("peer answered max_fragment_length with a different value")},
    {BR_ERR_BAD_SECRENEG, IOTLS_ERR_PROTOCOL, TEXT("secure renegotiation failed")},
    {BR_ERR_EXTRA_EXTENSION, IOTLS_ERR_PROTOCOL,
     TEXT("server sent an extension the client did not ask for")},
    {BR_ERR_BAD_SNI, IOTLS_ERR_PROTOCOL, TEXT("invalid server_name (SNI) extension")},
    {BR_ERR_BAD_HELLO_DONE, IOTLS_ERR_PROTOCOL, TEXT("invalid ServerHelloDone message")},
    {BR_ERR_LIMIT_EXCEEDED, IOTLS_ERR_PROTOCOL,
     TEXT("peer exceeded an engine limit (too many extensions, suites...)")},
    {BR_ERR_BAD_FINISHED, IOTLS_ERR_PROTOCOL,
     TEXT("Finished message did not verify (handshake tampered with)")},
    {BR_ERR_RESUME_MISMATCH, IOTLS_ERR_PROTOCOL,
     TEXT("session resumption with mismatching version or suite")},
    {BR_ERR_INVALID_ALGORITHM, IOTLS_ERR_NO_COMMON_CIPHER,
     TEXT("peer used an unsupported hash or signature algorithm")},
    {BR_ERR_BAD_SIGNATURE, IOTLS_ERR_PROTOCOL, TEXT("handshake signature did not verify")},
    {BR_ERR_WRONG_KEY_USAGE, IOTLS_ERR_CERT_INVALID,
     TEXT("peer's key may not be used for the chosen key exchange (key usage)")},
    {BR_ERR_NO_CLIENT_AUTH, IOTLS_ERR_CERT_MISSING,
     TEXT("client did not send the required certificate")},
    {BR_ERR_IO, IOTLS_ERR_IO, TEXT("transport I/O error")},
    {BR_ERR_X509_OK, IOTLS_OK, TEXT("certificate chain accepted")},
    {BR_ERR_X509_INVALID_VALUE, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate has an invalid value (malformed DER)")},
    {BR_ERR_X509_TRUNCATED, IOTLS_ERR_CERT_INVALID, TEXT("certificate is truncated")},
    {BR_ERR_X509_EMPTY_CHAIN, IOTLS_ERR_CERT_MISSING, TEXT("peer sent an empty certificate chain")},
    {BR_ERR_X509_INNER_TRUNC, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate has a truncated inner element")},
    {BR_ERR_X509_BAD_TAG_CLASS, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate has an unexpected DER tag class")},
    {BR_ERR_X509_BAD_TAG_VALUE, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate has an unexpected DER tag")},
    {BR_ERR_X509_INDEFINITE_LENGTH, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate uses indefinite length (not DER)")},
    {BR_ERR_X509_EXTRA_ELEMENT, IOTLS_ERR_CERT_INVALID, TEXT("certificate has an extra element")},
    {BR_ERR_X509_UNEXPECTED, IOTLS_ERR_CERT_INVALID, TEXT("certificate has an unexpected element")},
    {BR_ERR_X509_NOT_CONSTRUCTED, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate element should be constructed")},
    {BR_ERR_X509_NOT_PRIMITIVE, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate element should be primitive")},
    {BR_ERR_X509_PARTIAL_BYTE, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate BIT STRING is not whole bytes")},
    {BR_ERR_X509_BAD_BOOLEAN, IOTLS_ERR_CERT_INVALID, TEXT("certificate has an invalid BOOLEAN")},
    {BR_ERR_X509_OVERFLOW, IOTLS_ERR_CERT_INVALID, TEXT("certificate value out of range")},
    {BR_ERR_X509_BAD_DN, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate has an invalid distinguished name")},
    {BR_ERR_X509_BAD_TIME, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate has an invalid validity date")},
    {BR_ERR_X509_UNSUPPORTED, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate uses an unsupported feature")},
    {BR_ERR_X509_LIMIT_EXCEEDED, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate exceeds a validator limit (key or name too large)")},
    {BR_ERR_X509_WRONG_KEY_TYPE, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate key type does not match its use")},
    {BR_ERR_X509_BAD_SIGNATURE, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate signature does not verify")},
    {BR_ERR_X509_TIME_UNKNOWN, IOTLS_ERR_CERT_INVALID,
     TEXT("current time unknown, cannot check certificate validity")},
    {BR_ERR_X509_EXPIRED, IOTLS_ERR_CERT_EXPIRED, TEXT("certificate is expired or not yet valid")},
    {BR_ERR_X509_DN_MISMATCH, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate issuer does not match the next certificate's subject")},
    {BR_ERR_X509_BAD_SERVER_NAME, IOTLS_ERR_CERT_NAME_MISMATCH,
     TEXT("certificate does not match the server name")},
    {BR_ERR_X509_CRITICAL_EXTENSION, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate has an unsupported critical extension")},
    {BR_ERR_X509_NOT_CA, IOTLS_ERR_CERT_INVALID,
     TEXT("an issuing certificate in the chain is not a CA")},
    {BR_ERR_X509_FORBIDDEN_KEY_USAGE, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate key usage forbids this use")},
    {BR_ERR_X509_WEAK_PUBLIC_KEY, IOTLS_ERR_CERT_INVALID,
     TEXT("certificate public key is too weak")},
    {BR_ERR_X509_NOT_TRUSTED, IOTLS_ERR_CERT_UNTRUSTED,
     TEXT("certificate chain does not end at a trusted CA (unknown CA)")},
};

static int find(int br_err)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].br == br_err)
            return (int)i;
    return -1;
}

iotls_err_t iotls_br_error_code(int br_err)
{
    if (br_err >= BR_ERR_SEND_FATAL_ALERT)
        return IOTLS_ERR_ALERT_SENT;
    if (br_err >= BR_ERR_RECV_FATAL_ALERT)
        return IOTLS_ERR_ALERT_RECEIVED;
    int i = find(br_err);
    return i < 0 ? IOTLS_ERR_PROTOCOL : (iotls_err_t)table[i].code;
}

const char *iotls_br_error_text(int br_err)
{
    if (br_err >= BR_ERR_RECV_FATAL_ALERT)
        return "fatal alert";
#if IOTLS_ERROR_TEXT
    int i = find(br_err);
    return i < 0 ? "unknown TLS engine error" : table[i].text;
#else
    return "";
#endif
}
