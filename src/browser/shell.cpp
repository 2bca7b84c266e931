// main(): builds the App, wires the page, opens the signaling socket; dispatch(): Event in,
// Actions out, each action executed with the browser API that does it.
#include "shell.hpp"

#include <deque>
#include <memory>
#include <type_traits>
#include <utility>

#include "app.hpp"
#include "dom_view.hpp"
#include "identity.hpp"
#include "media.hpp"
#include "peer_connections.hpp"
#include "socket.hpp"
#include "timers.hpp"

namespace peerline::browser {
namespace {

std::unique_ptr<App> app;
std::deque<Event> pending;
bool dispatching = false;

void execute(const Action& action) {
    std::visit(
        [](const auto& a) {
            using T = std::decay_t<decltype(a)>;
            if constexpr (std::is_same_v<T, SendToServer>) {
                socket::send(a.text);
            } else if constexpr (std::is_same_v<T, RequestMedia>) {
                media::request(a.audio, a.video);
            } else if constexpr (std::is_same_v<T, StopMedia>) {
                media::stop();
            } else if constexpr (std::is_same_v<T, CreatePeerConnection>) {
                peer_connections::create(a.pc, a.configuration_json);
            } else if constexpr (std::is_same_v<T, AddLocalTracks>) {
                peer_connections::add_local_tracks(a.pc, media::local_stream());
            } else if constexpr (std::is_same_v<T, CreateOffer>) {
                peer_connections::create_offer(a.pc);
            } else if constexpr (std::is_same_v<T, CreateAnswer>) {
                peer_connections::create_answer(a.pc);
            } else if constexpr (std::is_same_v<T, SetLocalDescription>) {
                peer_connections::set_local_description(a.pc, a.type, a.sdp);
            } else if constexpr (std::is_same_v<T, SetRemoteDescription>) {
                peer_connections::set_remote_description(a.pc, a.type, a.sdp);
            } else if constexpr (std::is_same_v<T, AddIceCandidate>) {
                peer_connections::add_ice_candidate(a.pc, a.candidate, a.mid, a.mline_index);
            } else if constexpr (std::is_same_v<T, ClosePeerConnection>) {
                peer_connections::close(a.pc);
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

}  // namespace

void dispatch(Event event) {
    pending.push_back(std::move(event));
    if (dispatching) return;
    dispatching = true;
    while (!pending.empty()) {
        Event next = std::move(pending.front());
        pending.pop_front();
        for (const Action& action : app->handle(next)) execute(action);
    }
    dispatching = false;
    // The remote stream may arrive before or after the view names its pc; keep them matched.
    dom_view::show_streams(app->view());
}

}  // namespace peerline::browser

int main() {
    using namespace peerline;
    using namespace peerline::browser;
    AppConfig config;
    config.name = identity::display_name();
    config.device = identity::device_kind();
    app = std::make_unique<App>(std::move(config));
    // The page as served already shows the empty state and "Connecting…"; the first Render
    // comes with the first socket event.
    dom_view::attach(app->view().self_name);
    socket::open();
    return 0;
}
