/*
 * The symmetric implementations (AES-CBC/CCM/GCM, 3DES, ChaCha20-Poly1305)
 * of the full algorithm set, chosen once per process.
 *
 * BearSSL's br_ssl_engine_set_default_aes_cbc / _ccm / _gcm / _chapol ask
 * the CPU (CPUID) for AES-NI, PCLMUL and SSE2 every time they run, and its
 * *_init_full functions run them at every session start. In a virtual
 * machine each CPUID traps to the hypervisor: measured on the bench VM,
 * about 9% of a server's full handshake with the host crypto provider
 * (docs/crypto.md). The answer cannot change while the process runs, so on
 * x86 it is asked once (C11 call_once) and each session gets the same
 * choice BearSSL's setters make, through BearSSL's public setters. Other
 * CPUs have nothing to probe: BearSSL's own setters run as before.
 */
#include "tls/bearssl/br_session.h"

#if !IOTLS_EC_DEVICE

#if defined(__x86_64__) || defined(__i386__)
#include <threads.h>

#if defined(__x86_64__) /* BearSSL's BR_64 */
#define CT(name) br_aes_ct64_##name##_vtable
#define GHASH_CT br_ghash_ctmul64
#else
#define CT(name) br_aes_ct_##name##_vtable
#define GHASH_CT br_ghash_ctmul
#endif

static struct {
    const br_block_cbcenc_class *cbcenc;
    const br_block_cbcdec_class *cbcdec;
    const br_block_ctrcbc_class *ctrcbc;
    const br_block_ctr_class *ctr;
    br_ghash ghash;
    br_chacha20_run chacha20;
    br_poly1305_run poly1305;
} chosen;
static once_flag probe_once = ONCE_FLAG_INIT;

/* The choices of BearSSL 0.6's ssl_engine_default_*.c on x86. */
static void probe(void)
{
    chosen.cbcenc = br_aes_x86ni_cbcenc_get_vtable();
    chosen.cbcdec = br_aes_x86ni_cbcdec_get_vtable();
    if (!chosen.cbcenc || !chosen.cbcdec) {
        chosen.cbcenc = &CT(cbcenc);
        chosen.cbcdec = &CT(cbcdec);
    }
    chosen.ctrcbc = br_aes_x86ni_ctrcbc_get_vtable();
    if (!chosen.ctrcbc)
        chosen.ctrcbc = &CT(ctrcbc);
    chosen.ctr = br_aes_x86ni_ctr_get_vtable();
    if (!chosen.ctr)
        chosen.ctr = &CT(ctr);
    chosen.ghash = br_ghash_pclmul_get();
    if (!chosen.ghash)
        chosen.ghash = &GHASH_CT;
    chosen.chacha20 = br_chacha20_sse2_get();
    if (!chosen.chacha20)
        chosen.chacha20 = &br_chacha20_ct_run;
    chosen.poly1305 = br_poly1305_ctmulq_get();
    if (!chosen.poly1305)
        chosen.poly1305 = &br_poly1305_ctmul_run;
}

void iotls_br_set_symmetric(br_ssl_engine_context *eng)
{
    call_once(&probe_once, probe);
    br_ssl_engine_set_cbc(eng, &br_sslrec_in_cbc_vtable, &br_sslrec_out_cbc_vtable);
    br_ssl_engine_set_aes_cbc(eng, chosen.cbcenc, chosen.cbcdec);
    br_ssl_engine_set_ccm(eng, &br_sslrec_in_ccm_vtable, &br_sslrec_out_ccm_vtable);
    br_ssl_engine_set_aes_ctrcbc(eng, chosen.ctrcbc);
    br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
    br_ssl_engine_set_aes_ctr(eng, chosen.ctr);
    br_ssl_engine_set_ghash(eng, chosen.ghash);
    br_ssl_engine_set_default_des_cbc(eng); /* no probe */
    br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable, &br_sslrec_out_chapol_vtable);
    br_ssl_engine_set_chacha20(eng, chosen.chacha20);
    br_ssl_engine_set_poly1305(eng, chosen.poly1305);
}

#else

void iotls_br_set_symmetric(br_ssl_engine_context *eng)
{
    br_ssl_engine_set_default_aes_cbc(eng);
    br_ssl_engine_set_default_aes_ccm(eng);
    br_ssl_engine_set_default_aes_gcm(eng);
    br_ssl_engine_set_default_des_cbc(eng);
    br_ssl_engine_set_default_chapol(eng);
}

#endif
#endif
