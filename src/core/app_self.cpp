// App: who we are on the server: our display name, and the invite room we join (a new hello).
#include <algorithm>
#include <utility>

#include "app_state.hpp"

namespace peerline {

void App::State::on(const RenameIntent& e, Out& out) {
    // sanitize_name would make a blank name "Anonymous"; a person renaming meant something else.
    const bool blank = std::all_of(e.name.begin(), e.name.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
    });
    std::string name = protocol::sanitize_name(e.name);
    if (blank) {
        notice = "A name needs at least one visible character";
        return;
    }
    notice.clear();  // a refusal of an earlier try no longer applies
    if (name == config.name) return;
    config.name = name;  // the next hello (after a reconnect) carries it too
    if (online) out.push_back(SendToServer{protocol::serialize(protocol::ClientMessage{protocol::Rename{std::move(name)}})});
}

void App::State::on(const InviteIntent& e, Out& out) {
    if (!protocol::is_valid_room(e.room) || e.room == config.room) return;
    config.room = e.room;
    // A new hello joins the room; the resume token keeps our id, so calls and links go on.
    online = false;
    link = LinkState::connecting;
    out.push_back(ConnectServer{});
}

}  // namespace peerline
