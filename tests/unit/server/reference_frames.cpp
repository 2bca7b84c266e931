#include "reference_frames.hpp"

namespace peerline::ws::test {

std::string frame_header(std::uint8_t first_byte, std::uint64_t length, bool masked, LengthForm form) {
    std::string out;
    out.push_back(static_cast<char>(first_byte));
    const unsigned char mask_bit = masked ? 0x80 : 0x00;
    if (form == LengthForm::shortest) {
        form = length < 126 ? LengthForm::shortest : length <= 0xFFFF ? LengthForm::bits16 : LengthForm::bits64;
    }
    switch (form) {
        case LengthForm::shortest:
            out.push_back(static_cast<char>(mask_bit | length));
            break;
        case LengthForm::bits16:
            out.push_back(static_cast<char>(mask_bit | 126));
            out.push_back(static_cast<char>((length >> 8) & 0xFF));
            out.push_back(static_cast<char>(length & 0xFF));
            break;
        case LengthForm::bits64:
            out.push_back(static_cast<char>(mask_bit | 127));
            for (int byte = 7; byte >= 0; --byte) out.push_back(static_cast<char>((length >> (8 * byte)) & 0xFF));
            break;
    }
    if (masked) {
        for (int byte = 3; byte >= 0; --byte) out.push_back(static_cast<char>((kMaskKey >> (8 * byte)) & 0xFF));
    }
    return out;
}

std::string raw_frame(std::uint8_t first_byte, std::string_view payload, bool masked, LengthForm form) {
    std::string out = frame_header(first_byte, payload.size(), masked, form);
    const unsigned char key[4] = {static_cast<unsigned char>(kMaskKey >> 24), static_cast<unsigned char>(kMaskKey >> 16),
                                  static_cast<unsigned char>(kMaskKey >> 8), static_cast<unsigned char>(kMaskKey)};
    for (std::size_t i = 0; i < payload.size(); ++i) {
        const auto byte = static_cast<unsigned char>(payload[i]);
        out.push_back(static_cast<char>(masked ? byte ^ key[i % 4] : byte));
    }
    return out;
}

std::string client_frame(Opcode opcode, std::string_view payload) {
    return raw_frame(first_byte_of(true, opcode), payload, true);
}

std::string server_frame(Opcode opcode, std::string_view payload) {
    return raw_frame(first_byte_of(true, opcode), payload, false);
}

std::string close_body(std::uint16_t code, std::string_view reason) {
    std::string out;
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xFF));
    out.append(reason);
    return out;
}

}  // namespace peerline::ws::test
