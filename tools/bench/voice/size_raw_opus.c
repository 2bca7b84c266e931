/* Size probe (size.sh): bare libopus, encoder + decoder, no container. What a hand-written Ogg
 * muxer/demuxer would have to be added to. */
#include <emscripten.h>
#include <opus.h>

EMSCRIPTEN_KEEPALIVE int probe(const float* pcm, unsigned char* packet, float* out) {
    int error = 0;
    OpusEncoder* encoder = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error);
    opus_encoder_ctl(encoder, OPUS_SET_BITRATE(24000));
    int bytes = opus_encode_float(encoder, pcm, 960, packet, 1500);
    opus_encoder_destroy(encoder);
    OpusDecoder* decoder = opus_decoder_create(48000, 1, &error);
    int samples = opus_decode_float(decoder, packet, bytes, out, 5760, 0);
    opus_decoder_destroy(decoder);
    return samples;
}
