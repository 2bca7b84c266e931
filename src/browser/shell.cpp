// main(): builds the App, wires the page, starts it; dispatch(): Event in, Actions out, each
// action executed with the browser API that does it.
#include "shell.hpp"

#include <deque>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <emscripten/bind.h>

#include "app.hpp"
#include "call_history_store.hpp"
#include "data_channels.hpp"
#include "devices.hpp"
#include "dom.hpp"
#include "dom_view.hpp"
#include "files.hpp"
#include "identity.hpp"
#include "invite.hpp"
#include "media.hpp"
#include "peer_connections.hpp"
#include "permissions.hpp"
#include "received_files.hpp"
#include "screen_share.hpp"
#include "socket.hpp"
#include "timers.hpp"
#include "transceivers.hpp"
#include "voice_store.hpp"

namespace peerline::browser {
namespace {

std::unique_ptr<App> app;
std::deque<Event> pending;
bool dispatching = false;

void execute(const Action& action) {
    std::visit(
        [](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, ConnectServer>) {
                socket::open();
            } else if constexpr (std::is_same_v<T, SendToServer>) {
                socket::send(a.text);
            } else if constexpr (std::is_same_v<T, LoadStoredVoices>) {
                voice_store::load();
            } else if constexpr (std::is_same_v<T, StoreVoiceMessage>) {
                voice_store::put(a.record);
            } else if constexpr (std::is_same_v<T, DeleteStoredVoice>) {
                voice_store::remove(a.key);
            } else if constexpr (std::is_same_v<T, MarkStoredVoicePlayed>) {
                voice_store::mark_played(a.key);
            } else if constexpr (std::is_same_v<T, LoadCallHistory>) {
                call_history_store::load();
            } else if constexpr (std::is_same_v<T, SaveCallHistory>) {
                call_history_store::save(a.json);
            } else if constexpr (std::is_same_v<T, RequestMedia>) {
                media::request(a.audio, a.video, a.audio_device, a.video_device);
            } else if constexpr (std::is_same_v<T, StopMedia>) {
                media::stop();
            } else if constexpr (std::is_same_v<T, SetTrackEnabled>) {
                if (a.kind == "video") {
                    devices::set_camera(a.enabled);
                } else {
                    media::set_track_enabled(a.kind, a.enabled);
                }
            } else if constexpr (std::is_same_v<T, ListDevices>) {
                devices::list();
            } else if constexpr (std::is_same_v<T, SwitchDevice>) {
                devices::switch_device(a.kind, a.device_id);
            } else if constexpr (std::is_same_v<T, StartScreenShare>) {
                screen_share::start(a.add_video, a.pc);
            } else if constexpr (std::is_same_v<T, StopScreenShare>) {
                screen_share::stop(a.camera, a.remove_video);
            } else if constexpr (std::is_same_v<T, CreatePeerConnection>) {
                peer_connections::create(a.pc, a.configuration_json);
            } else if constexpr (std::is_same_v<T, AddLocalTracks>) {
                peer_connections::add_local_tracks(a.pc, media::local_stream());
            } else if constexpr (std::is_same_v<T, AddTransceiver>) {
                peer_connections::add_transceiver(a.pc, a.kind, a.send);
            } else if constexpr (std::is_same_v<T, StopSending>) {
                transceivers::stop_sending(a.pc, a.kind);
            } else if constexpr (std::is_same_v<T, AttachLocalTracks>) {
                transceivers::attach_local_tracks(a.pc, media::local_stream());
            } else if constexpr (std::is_same_v<T, SetCodecPreferences>) {
                transceivers::set_codec_preferences(a.pc, a.kind, a.mime_order);
            } else if constexpr (std::is_same_v<T, SetSenderMaxBitrate>) {
                transceivers::set_max_bitrate(a.pc, a.kind, a.max_bitrate_bps);
            } else if constexpr (std::is_same_v<T, CreateOffer>) {
                peer_connections::create_offer(a.pc, a.ice_restart);
            } else if constexpr (std::is_same_v<T, CreateAnswer>) {
                peer_connections::create_answer(a.pc);
            } else if constexpr (std::is_same_v<T, SetLocalDescription>) {
                peer_connections::set_local_description(a.pc, a.type, a.sdp);
            } else if constexpr (std::is_same_v<T, SetRemoteDescription>) {
                peer_connections::set_remote_description(a.pc, a.type, a.sdp);
            } else if constexpr (std::is_same_v<T, AddIceCandidate>) {
                peer_connections::add_ice_candidate(a.pc, a.candidate, a.mid, a.mline_index);
            } else if constexpr (std::is_same_v<T, CollectStats>) {
                peer_connections::collect_stats(a.pc);
            } else if constexpr (std::is_same_v<T, ClosePeerConnection>) {
                data_channels::forget(a.pc);
                peer_connections::close(a.pc);
            } else if constexpr (std::is_same_v<T, CreateDataChannel>) {
                data_channels::create(a.pc, a.label, a.id, a.buffered_low_threshold);
            } else if constexpr (std::is_same_v<T, SendChannelText>) {
                data_channels::send_text(a.pc, a.channel, a.text);
            } else if constexpr (std::is_same_v<T, SendChannelBinary>) {
                data_channels::send_binary(a.pc, a.channel, a.bytes);
            } else if constexpr (std::is_same_v<T, ReadFileChunk>) {
                files::read_chunk(a.pick, a.file, a.offset, a.length);
            } else if constexpr (std::is_same_v<T, ReleaseFiles>) {
                files::release(a.pick);
            } else if constexpr (std::is_same_v<T, OpenFileSink>) {
                received_files::open_sink(a.sink, a.mime);
            } else if constexpr (std::is_same_v<T, WriteFileSink>) {
                received_files::write_sink(a.sink, a.bytes);
            } else if constexpr (std::is_same_v<T, CloseFileSink>) {
                received_files::close_sink(a.sink, a.keep);
            } else if constexpr (std::is_same_v<T, RewindFileSink>) {
                received_files::rewind_sink(a.sink, a.size);
            } else if constexpr (std::is_same_v<T, CheckStorage>) {
                received_files::check_storage(a.key);
            } else if constexpr (std::is_same_v<T, DeleteLeftoverFiles>) {
                received_files::delete_leftovers();
            } else if constexpr (std::is_same_v<T, StartTimer>) {
                timers::start(a.timer, a.ms);
            } else if constexpr (std::is_same_v<T, CancelTimer>) {
                timers::cancel(a.timer);
            } else if constexpr (std::is_same_v<T, Render>) {
                dom_view::render(app->view());
            } else {
                static_assert(!sizeof(T), "every Action must be executed");
            }
        },
        action);
}

// The page is going away (closed, reloaded, navigated): end the call now and tell every peer
// with a data link, so they learn at once instead of waiting for ICE to time out or for a
// resume that cannot come (a new visit is a new id). The socket still sends during pagehide.
void on_page_hide(val) { dispatch(PageClosing{}); }
void on_network_online(val) { dispatch(NetworkChanged{true}); }
void on_network_offline(val) { dispatch(NetworkChanged{false}); }

void run_pending() {
    if (dispatching) return;
    dispatching = true;
    while (!pending.empty()) {
        Event next = std::move(pending.front());
        pending.pop_front();
        std::vector<Action> actions = app->handle(next);
        // From here on the core knows of the failed send: what it sends next on that channel goes.
        if (const auto* failed = std::get_if<ChannelSendFailed>(&next)) data_channels::failure_heard(failed->pc, failed->channel);
        for (const Action& action : actions) execute(action);
        // After a batch of sends the core learns how full the send queues are (backpressure).
        data_channels::report_buffered();
    }
    dispatching = false;
    // The remote stream may arrive before or after the view names its pc; keep them matched.
    dom_view::show_streams(app->view());
}

// A JS exception unwound through run_pending (js.hpp guarded()): the event it was handling is
// lost, but the loop is free again and what was queued behind it runs.
void recover_after_throw() {
    dispatching = false;
    run_pending();
}

}  // namespace

void dispatch(Event event) {
    pending.push_back(std::move(event));
    run_pending();
}

const View& current_view() { return app->view(); }

EMSCRIPTEN_BINDINGS(peerline_shell) {
    emscripten::function("onPageHide", &on_page_hide);
    emscripten::function("onNetworkOnline", &on_network_online);
    emscripten::function("onNetworkOffline", &on_network_offline);
    emscripten::function("recoverAfterThrow", &recover_after_throw);
}

}  // namespace peerline::browser

int main() {
    using namespace peerline;
    using namespace peerline::browser;
    AppConfig config;
    config.name = identity::display_name();
    config.device = identity::device_kind();
    config.room = invite::room_from_url();
    app = std::make_unique<App>(std::move(config));
    dom_view::attach(app->view());
    devices::watch();
    permissions::watch();
    call_history_store::watch();
    dom::listen(val::global("window"), "pagehide", "onPageHide");
    dom::listen(val::global("window"), "online", "onNetworkOnline");
    dom::listen(val::global("window"), "offline", "onNetworkOffline");
    dispatch(AppStarted{});
    if (!val::global("navigator")["onLine"].as<bool>()) dispatch(NetworkChanged{false});
    return 0;
}
