// Data links played between Apps through the fake relay: who offers, chat with delivery marks
// and unread counts, files end to end through the App, and a peer that cannot be reached.
#include <catch2/catch.hpp>

#include "fake_world.hpp"
#include "link_helpers.hpp"
#include "link/data_link.hpp"

using namespace peerline;
using namespace peerline::testing;

namespace {

FakeWorld::Options unreachable() {
    FakeWorld::Options o;
    o.pcs_connect = false;
    return o;
}

}  // namespace

TEST_CASE("the smaller id offers a link, chat is acknowledged and counted unread", "[link]") {
    FakeWorld w;
    int ada = w.join("Ada");  // id-1: the smaller id
    int bob = w.join("Bob");
    w.send(ada, OpenLinkIntent{w.id(bob)});
    w.send(ada, SendChatIntent{w.id(bob), "  hello Bob \n"});

    CHECK(w.count<CreateOffer>(ada) == 1);
    CHECK(w.count<CreateOffer>(bob) == 0);  // Bob answers, never offers a first time
    CHECK(w.view(ada).conversation.link == "open");
    const auto& mine = w.view(ada).conversation.chat;
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].text == "hello Bob");  // trimmed
    CHECK(mine[0].delivery == link::Delivery::delivered);

    // Bob has not opened the conversation: one unread on Ada's tile.
    REQUIRE(w.view(bob).peers.size() == 1);
    CHECK(w.view(bob).peers[0].unread == 1);
    CHECK(w.view(bob).peers[0].link == "open");
    w.send(bob, OpenLinkIntent{w.id(ada)});
    CHECK(w.view(bob).peers[0].unread == 0);
    REQUIRE(w.view(bob).conversation.chat.size() == 1);
    CHECK_FALSE(w.view(bob).conversation.chat[0].mine);

    // The reply uses the same link.
    w.send(bob, SendChatIntent{w.id(ada), "hi Ada"});
    CHECK(w.count<CreatePeerConnection>(bob) == 1);
    CHECK(w.view(bob).conversation.chat.back().delivery == link::Delivery::delivered);
    CHECK(w.view(ada).conversation.chat.back().text == "hi Ada");
}

TEST_CASE("the larger id asks for a link, what it wrote meanwhile is delivered", "[link]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");  // id-2: must ask Ada to offer
    w.send(bob, SendChatIntent{w.id(ada), "are you there?"});

    CHECK(w.count<CreateOffer>(bob) == 0);
    CHECK(w.count<CreateOffer>(ada) == 1);
    CHECK(w.view(bob).peers[0].link == "open");
    w.send(ada, OpenLinkIntent{w.id(bob)});
    REQUIRE(w.view(ada).conversation.chat.size() == 1);
    CHECK(w.view(ada).conversation.chat[0].text == "are you there?");
}

TEST_CASE("files cross a link byte for byte, a 0-byte file included", "[link][transfer]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    const std::string big = random_bytes(300 * 1024 + 17, 7);
    w.choose_files(bob, w.id(ada), {{"photo.jpg", big}, {"empty.txt", ""}});

    // Ada is asked and her conversation opens on the offer.
    CHECK(w.view(ada).conversation.peer_id == w.id(bob));
    const auto offered = only_transfer(w, ada);
    CHECK(offered.direction == transfer::Direction::incoming);
    CHECK(offered.state == transfer::State::offered);
    CHECK(offered.total == big.size());
    CHECK(w.view(ada).peers[0].offers_files);

    w.send(ada, AcceptFilesIntent{w.id(bob), offered.id});
    const auto received = only_transfer(w, ada);
    CHECK(received.state == transfer::State::done);
    REQUIRE(received.files.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto* saved = w.saved_file(ada, received.files[i].sink);
        REQUIRE(saved);
        CHECK(*saved == (i == 0 ? big : std::string()));
    }
    w.send(bob, OpenLinkIntent{w.id(ada)});
    CHECK(only_transfer(w, bob).state == transfer::State::done);
}

TEST_CASE("a corrupted chunk fails the file on both sides, never done", "[link][transfer]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, OpenLinkIntent{w.id(bob)});  // the link is open before the file goes
    w.choose_files(ada, w.id(bob), {{"data.bin", random_bytes(200 * 1024, 3)}});
    const auto id = only_transfer(w, bob).id;
    w.corrupt_binary_message(2);
    w.send(bob, AcceptFilesIntent{w.id(ada), id});

    const auto received = only_transfer(w, bob);
    CHECK(received.state == transfer::State::failed);
    CHECK_FALSE(w.saved_file(bob, received.files[0].sink));
    CHECK(only_transfer(w, ada).state == transfer::State::failed);
}

TEST_CASE("a link cut mid-file: the next link with the same peer resumes the transfer, which arrives whole", "[link][transfer]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    w.send(ada, OpenLinkIntent{w.id(bob)});
    const std::string data = random_bytes(3 * 1024 * 1024 + 5, 9);
    w.choose_files(ada, w.id(bob), {{"big.bin", data}});
    const auto id = only_transfer(w, bob).id;
    const std::size_t pcs_before = w.count<CreatePeerConnection>(bob);
    w.cut_link_at_binary_message(8);  // past the first block, inside the second
    w.send(bob, AcceptFilesIntent{w.id(ada), id});

    // The Apps made a new link by themselves, and it carried the transfer on.
    CHECK(w.count<CreatePeerConnection>(bob) == pcs_before + 1);
    const auto received = only_transfer(w, bob);
    CHECK(received.state == transfer::State::done);
    const auto* saved = w.saved_file(bob, received.files[0].sink);
    REQUIRE(saved);
    CHECK(*saved == data);
    CHECK(received.resent > 0);  // what came after the last verified block came again
    CHECK(received.resent < transfer::kBlockBytes);
    w.send(ada, OpenLinkIntent{w.id(bob)});
    CHECK(only_transfer(w, ada).state == transfer::State::done);
}

TEST_CASE("an unreachable peer: the link closes with a reason and chat shows not delivered", "[link]") {
    FakeWorld w;
    int ada = w.join("Ada", unreachable());
    int bob = w.join("Bob", unreachable());
    w.send(ada, OpenLinkIntent{w.id(bob)});
    w.send(ada, SendChatIntent{w.id(bob), "hello?"});
    CHECK(w.view(ada).peers[0].link == "connecting");
    REQUIRE(w.fire_timer(ada, link::timing::kConnectMs));

    const auto& c = w.view(ada).conversation;
    CHECK(c.link == "closed");
    CHECK(c.link_problem == "could not reach Bob");
    REQUIRE(c.chat.size() == 1);
    CHECK(c.chat[0].delivery == link::Delivery::failed);
    // Writing again tries a new link.
    w.send(ada, SendChatIntent{w.id(bob), "hello again?"});
    CHECK(w.view(ada).conversation.link == "connecting");
    CHECK(w.view(ada).conversation.chat.size() == 2);
}

TEST_CASE("a peer that leaves before the link opens closes it, chat to nobody is refused", "[link]") {
    FakeWorld w;
    int ada = w.join("Ada", unreachable());
    int bob = w.join("Bob");
    w.send(ada, SendChatIntent{w.id(bob), "hello?"});
    const std::string bob_id = w.id(bob);
    w.leave(bob);
    w.send(ada, OpenLinkIntent{bob_id});
    CHECK(w.view(ada).conversation.link == "closed");
    CHECK(w.view(ada).conversation.chat[0].delivery == link::Delivery::failed);

    w.send(ada, SendChatIntent{bob_id, "still there?"});
    CHECK(w.view(ada).notice == "Cannot send: that person is not online");
}

TEST_CASE("an invite joins its room with a fresh hello that keeps our id, a bad room is ignored", "[link]") {
    FakeWorld w;
    int ada = w.join("Ada");
    const auto hellos = [&] {
        std::vector<nlohmann::json> out;
        for (const auto& s : w.actions<SendToServer>(ada)) {
            auto j = nlohmann::json::parse(s.text);
            if (j["type"] == "hello") out.push_back(j);
        }
        return out;
    };
    REQUIRE(hellos().size() == 1);
    w.send(ada, InviteIntent{"not a room"});
    CHECK(hellos().size() == 1);
    CHECK(w.view(ada).invite_room.empty());

    const std::string room = "Zk3pQ8vN2xLmR5tY7wA1cB";  // 22 base64url characters: 132 bits
    w.send(ada, InviteIntent{room});
    const auto all = hellos();
    REQUIRE(all.size() == 2);
    CHECK(all[1]["room"] == room);
    CHECK(all[1]["resume"] == "token-" + w.id(ada));
    CHECK(w.view(ada).invite_room == room);
    CHECK(w.view(ada).online);
}

TEST_CASE("an invite room from a mistyped link is dropped, not sent", "[link]") {
    App app(AppConfig{"Ada", "desktop", "short"});
    auto actions = app.handle(AppStarted{});
    actions = app.handle(ServerOpened{});
    REQUIRE(actions.size() >= 1);
    const auto* hello = std::get_if<SendToServer>(&actions.front());
    REQUIRE(hello);
    CHECK(nlohmann::json::parse(hello->text).count("room") == 0);
}

TEST_CASE("a page that closes tells its link peers, whose transfers fail at once with the reason", "[link][transfer]") {
    FakeWorld w;
    int ada = w.join("Ada");
    int bob = w.join("Bob");
    int cy = w.join("Cy");
    w.send(ada, OpenLinkIntent{w.id(bob)});
    w.choose_files(ada, w.id(bob), {{"notes.txt", random_bytes(1000, 3)}});
    REQUIRE(only_transfer(w, bob).state == transfer::State::offered);
    const auto to_cy = w.count<SendToServer>(cy);

    w.send(ada, PageClosing{});
    // Bob does not wait for ICE to time out or for a resume (a new visit is a new id).
    const auto& offered = only_transfer(w, bob);
    CHECK(offered.state == transfer::State::failed);
    CHECK_THAT(offered.reason, Catch::Contains("Ada closed the page"));
    CHECK(w.view(bob).conversation.link_problem == "Ada closed the page");
    // Only peers with a link hear of it.
    CHECK(w.count<SendToServer>(cy) == to_cy);
}
