#include "service_worker.hpp"

#include <optional>
#include <string>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "shell.hpp"

namespace peerline::browser::service_worker {
namespace {

struct Banner {
    val banner = dom::by_id("updateBanner");
    val reload = dom::by_id("reloadButton");
    dom::Flag hidden;
};

std::optional<Banner> banner;

val container() {
    val navigator = val::global("navigator");
    val workers = navigator["serviceWorker"];
    return workers.isUndefined() || workers.isNull() ? val::undefined() : workers;
}

void on_load(val) {
    val workers = container();
    if (workers.isUndefined()) return;
    Outcome asked = try_call(workers, "register", array_of(val("sw.js")));
    if (!asked.ok) {
        dispatch(ShellInstallFailed{asked.error});
        return;
    }
    asked.value.call<void>("catch", callback("onServiceWorkerFailed"));
    // A page the worker served: ask whether a newer shell is on the server (answered with
    // "update-ready" if the worker swapped one in). Asked now, not at navigation, so the check
    // never competes with the page's own start and the answer finds our listener in place.
    val controller = workers["controller"];
    if (!controller.isNull() && !controller.isUndefined()) {
        val message = val::object();
        message.set("type", val("check"));
        try_call(controller, "postMessage", array_of(message));
    }
}

void on_failed(val error) { dispatch(ShellInstallFailed{describe(error)}); }

void on_message(val event) {
    val data = event["data"];
    if (data.isUndefined() || data.isNull() || !data["type"].isString()) return;
    if (data["type"].as<std::string>() == "update-ready") dispatch(ShellUpdateReady{});
}

void on_reload(val) { val::global("location").call<void>("reload"); }

}  // namespace

void attach() {
    banner.emplace();
    dom::listen(banner->reload, "click", "onReloadClick");
    val workers = container();
    if (workers.isUndefined()) return;
    dom::listen(workers, "message", "onServiceWorkerMessage");
    if (dom::document()["readyState"].as<std::string>() == "complete") {
        on_load(val::undefined());
    } else {
        dom::listen(val::global("window"), "load", "onPageLoaded");
    }
}

void render(const View& view) {
    if (!banner) return;
    banner->hidden.set(banner->banner, "hidden", !view.update_ready);
}

EMSCRIPTEN_BINDINGS(peerline_service_worker) {
    emscripten::function("onPageLoaded", &on_load);
    emscripten::function("onServiceWorkerFailed", &on_failed);
    emscripten::function("onServiceWorkerMessage", &on_message);
    emscripten::function("onReloadClick", &on_reload);
}

}  // namespace peerline::browser::service_worker
