// The fake browser of FakeWorld (fake_world.hpp): what each Action does there - connections that
// connect once both ends have their descriptions, data channels that open together, sends that
// throw as RTCDataChannel.send() does, storage, timers, media - each answered with the Events a
// real shell would dispatch.
#include "fake_world.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace peerline::testing {

void FakeWorld::maybe_connect(int client, int pc_id) {
    auto& c = clients_[client];
    auto& pc = c.pcs[pc_id];
    if (!c.options.pcs_connect || pc.connected || pc.closed) return;
    if (pc.local_set && pc.remote_set && pc.remote_candidates > 0) {
        pc.connected = true;
        queue_.emplace_back(client, PcStateChanged{pc_id, "connected"});
        if (pc.data_channels.empty()) queue_.emplace_back(client, RemoteTrackAdded{pc_id, "video"});
        open_channels(client, pc_id);
    }
}

// Data channels open on both ends together, once both connections are up (as SCTP does).
void FakeWorld::open_channels(int client, int pc_id) {
    auto [other, other_pc] = far_end(client, pc_id);
    if (other < 0) return;
    auto& mine = clients_[client].pcs[pc_id];
    auto& theirs = clients_[other].pcs[other_pc];
    if (!mine.connected || !theirs.connected || mine.channels_open) return;
    mine.channels_open = theirs.channels_open = true;
    // What a browser with RTCSctpTransport reports: min(the peer's limit, its own).
    const std::uint64_t transport = std::min(own_send_limit(client), own_send_limit(other));
    const auto limit_of = [&](int who) { return clients_[who].options.reports_transport_limit ? transport : 0; };
    for (int channel : mine.data_channels) queue_.emplace_back(client, ChannelOpened{pc_id, channel, limit_of(client)});
    for (int channel : theirs.data_channels) queue_.emplace_back(other, ChannelOpened{other_pc, channel, limit_of(other)});
}

std::uint64_t FakeWorld::own_send_limit(int client) const {
    return clients_.at(client).options.firefox ? 1073741823 : 262144;
}

// As RTCDataChannel.send(): a message past the stack's own limit (or any, when the test says
// so) throws, and the shell reports it.
bool FakeWorld::send_throws(int client, int pc, int channel, bool binary, std::size_t size, std::string head) {
    const auto& options = clients_[client].options;
    std::string reason = binary ? options.binary_send_throws : options.text_send_throws;
    if (reason.empty() && size > own_send_limit(client)) {
        reason = "TypeError: RTCDataChannel.send: Message size (" + std::to_string(size) + ") exceeds maxMessageSize";
    }
    if (reason.empty()) return false;
    queue_.emplace_back(client, ChannelSendFailed{pc, channel, std::move(reason), std::move(head), binary});
    return true;
}

void FakeWorld::execute(int client, const Action& action) {
    auto& c = clients_[client];
    std::visit(
        [&](const auto& a) {
            using A = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<A, ConnectServer>) {
                if (!server_up_) {
                    queue_.emplace_back(client, ServerClosed{});
                    return;
                }
                c.socket_open = true;
                queue_.emplace_back(client, ServerOpened{});
            } else if constexpr (std::is_same_v<A, SendToServer>) {
                relay(client, a.text);
            } else if constexpr (std::is_same_v<A, LoadStoredVoices>) {
                StoredVoicesLoaded loaded;
                loaded.available = !c.options.voice_storage_missing;
                if (!loaded.available) loaded.reason = "InvalidStateError: IndexedDB is not available";
                for (const auto& r : c.options.stored_voices) c.voice_store[r.key] = r;
                if (loaded.available) loaded.records = voice_records(client);
                queue_.emplace_back(client, std::move(loaded));
            } else if constexpr (std::is_same_v<A, StoreVoiceMessage>) {
                if (c.options.voice_storage_missing) throw std::logic_error(c.name + " stored a voice message with no store");
                const bool ok = c.options.voice_store_fails.empty();
                if (ok) c.voice_store[a.record.key] = a.record;
                queue_.emplace_back(client, VoiceStored{a.record.key, ok, c.options.voice_store_fails});
            } else if constexpr (std::is_same_v<A, DeleteStoredVoice>) {
                c.voice_store.erase(a.key);
            } else if constexpr (std::is_same_v<A, MarkStoredVoicePlayed>) {
                if (auto found = c.voice_store.find(a.key); found != c.voice_store.end()) found->second.played = true;
            } else if constexpr (std::is_same_v<A, RequestMedia>) {
                if (c.options.media_fails) {
                    queue_.emplace_back(client, MediaFailed{"NotAllowedError: denied"});
                } else if (c.options.media_is_slow) {
                    c.media_held = true;
                } else {
                    queue_.emplace_back(client, MediaReady{a.audio, a.video && c.options.has_camera});
                }
            } else if constexpr (std::is_same_v<A, CreatePeerConnection>) {
                c.pcs[a.pc] = FakePc{};
            } else if constexpr (std::is_same_v<A, AddTransceiver>) {
                if (a.send) ++c.pcs.at(a.pc).trackless_senders;
            } else if constexpr (std::is_same_v<A, StopSending>) {
                // The browser asks to renegotiate once stable; tests drive NegotiationNeeded.
            } else if constexpr (std::is_same_v<A, AttachLocalTracks>) {
                // The shell fills the senders AddTransceiver made; without them the tracks
                // would have nowhere to go.
                auto& pc = c.pcs.at(a.pc);
                if (pc.trackless_senders == 0) throw std::logic_error(c.name + " attached tracks to a connection without senders");
                pc.trackless_senders = 0;
            } else if constexpr (std::is_same_v<A, CreateOffer>) {
                const bool data = !c.pcs[a.pc].data_channels.empty();
                queue_.emplace_back(client, LocalDescriptionCreated{a.pc, "offer", fixture(data ? "sdp/chrome-datachannel-offer.sdp" : "sdp/chrome-audio-video-offer.sdp")});
            } else if constexpr (std::is_same_v<A, CreateAnswer>) {
                const bool data = !c.pcs[a.pc].data_channels.empty();
                const char* data_answer = c.options.firefox ? "sdp/firefox-datachannel-answer.sdp" : "sdp/chrome-datachannel-answer.sdp";
                queue_.emplace_back(client, LocalDescriptionCreated{a.pc, "answer", fixture(data ? data_answer : "sdp/chrome-audio-video-answer.sdp")});
            } else if constexpr (std::is_same_v<A, SetLocalDescription>) {
                c.pcs[a.pc].local_set = true;
                queue_.emplace_back(client, LocalDescriptionSet{a.pc});
                queue_.emplace_back(client, LocalCandidate{a.pc, "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0});
                queue_.emplace_back(client, LocalCandidate{a.pc, "", "", 0});  // end of candidates
                maybe_connect(client, a.pc);
            } else if constexpr (std::is_same_v<A, SetRemoteDescription>) {
                if (c.signal_from >= 0) c.pcs[a.pc].remote_client = c.signal_from;
                if (c.options.remote_descriptions_are_slow) {
                    c.remote_descriptions_held.push_back(a.pc);
                    return;
                }
                c.pcs[a.pc].remote_set = true;
                queue_.emplace_back(client, RemoteDescriptionSet{a.pc});
                maybe_connect(client, a.pc);
            } else if constexpr (std::is_same_v<A, AddIceCandidate>) {
                auto& pc = c.pcs[a.pc];
                // A real browser refuses candidates before the remote description.
                if (!pc.remote_set) throw std::logic_error(c.name + " added a candidate before the remote description");
                ++pc.remote_candidates;
                maybe_connect(client, a.pc);
            } else if constexpr (std::is_same_v<A, ClosePeerConnection>) {
                c.pcs[a.pc].closed = true;
            } else if constexpr (std::is_same_v<A, StartTimer>) {
                c.timers[a.timer] = a.ms;
            } else if constexpr (std::is_same_v<A, CancelTimer>) {
                c.timers.erase(a.timer);
            } else if constexpr (std::is_same_v<A, SwitchDevice>) {
                queue_.emplace_back(client, DeviceSwitched{a.kind, a.device_id, true, ""});
            } else if constexpr (std::is_same_v<A, CreateDataChannel>) {
                c.pcs[a.pc].data_channels.insert(a.id);
            } else if constexpr (std::is_same_v<A, SendChannelText>) {
                if (send_throws(client, a.pc, a.channel, false, a.text.size(), a.text)) return;
                auto [to, pc] = far_end(client, a.pc);
                const bool voice = a.text.find(R"("type":"voice)") != std::string::npos;
                if (to >= 0 && !(voice && clients_[to].options.ignores_voice)) {
                    queue_.emplace_back(to, ChannelText{pc, a.channel, a.text, 1.7e12});
                }
            } else if constexpr (std::is_same_v<A, SendChannelBinary>) {
                if (send_throws(client, a.pc, a.channel, true, a.bytes.size(), a.bytes.substr(0, kSendFailedHeadBytes))) return;
                auto [to, pc] = far_end(client, a.pc);
                if (cut_countdown_ > 0 && --cut_countdown_ == 0) {
                    c.pcs[a.pc].closed = true;
                    queue_.emplace_back(client, ChannelClosed{a.pc, a.channel});
                    if (to >= 0) {
                        clients_[to].pcs[pc].closed = true;
                        queue_.emplace_back(to, ChannelClosed{pc, a.channel});
                    }
                    return;
                }
                std::string bytes = a.bytes;
                if (corrupt_countdown_ > 0 && --corrupt_countdown_ == 0 && !bytes.empty()) bytes.back() ^= 0x5a;
                if (to >= 0) queue_.emplace_back(to, ChannelBinary{pc, a.channel, std::move(bytes), 1.7e12});
                // The fake channel drains at once.
                queue_.emplace_back(client, ChannelBuffered{a.pc, a.channel, 0});
            } else if constexpr (std::is_same_v<A, ReadFileChunk>) {
                auto found = c.picks.find(a.pick);
                if (found == c.picks.end() || a.file >= static_cast<int>(found->second.size())) {
                    queue_.emplace_back(client, FileReadFailed{a.pick, a.file, "NotFoundError"});
                } else {
                    const auto& contents = found->second[a.file];
                    queue_.emplace_back(client, FileChunkRead{a.pick, a.file, a.offset,
                                                              contents.substr(a.offset, a.length)});
                }
            } else if constexpr (std::is_same_v<A, ReleaseFiles>) {
                c.picks.erase(a.pick);
            } else if constexpr (std::is_same_v<A, OpenFileSink>) {
                c.sinks[a.sink] = Sink{};
            } else if constexpr (std::is_same_v<A, WriteFileSink>) {
                c.sinks[a.sink].bytes += a.bytes;
            } else if constexpr (std::is_same_v<A, CloseFileSink>) {
                if (a.keep) {
                    c.sinks[a.sink].kept = true;
                    queue_.emplace_back(client, FileSinkStored{a.sink});
                } else {
                    c.sinks.erase(a.sink);
                }
            } else if constexpr (std::is_same_v<A, RewindFileSink>) {
                c.sinks[a.sink].bytes.resize(a.size);
            } else if constexpr (std::is_same_v<A, CheckStorage>) {
                queue_.emplace_back(client, StorageChecked{a.key, true, std::uint64_t{1} << 40, ""});
            }
            // The rest (tracks, codec preferences, stats, devices, Render) need no answer here.
        },
        action);
}

}  // namespace peerline::testing
