// The client as a pure state machine: Event in, Actions out (DESIGN.md "The core").
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actions.hpp"
#include "events.hpp"
#include "view.hpp"

namespace peerline {

struct AppConfig {
    std::string name;             // display name offered in hello
    std::string device = "desktop";
    std::string room;             // invite room id from the page URL; "" = network room only
    // Tests: after an event that skipped the View rebuild, rebuild anyway and count in
    // missed_view_changes() if it would have differed (a skip rule that hides a change).
    bool verify_view_skips = false;
};

class App {
public:
    explicit App(AppConfig config);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    std::vector<Action> handle(const Event& event);
    const View& view() const { return view_; }
    std::size_t missed_view_changes() const { return missed_view_changes_; }

private:
    struct State;
    std::unique_ptr<State> state_;
    View view_;
    std::size_t missed_view_changes_ = 0;
};

}  // namespace peerline
