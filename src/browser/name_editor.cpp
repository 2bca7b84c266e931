#include "name_editor.hpp"

#include <optional>
#include <string>

#include <emscripten/bind.h>

#include "dom.hpp"
#include "identity.hpp"
#include "shell.hpp"

namespace peerline::browser::name_editor {
namespace {

struct Editor {
    val button = dom::by_id("renameButton");
    val form = dom::by_id("renameForm");
    val input = dom::by_id("renameInput");
};

std::optional<Editor> editor;

void close_form() {
    editor->form.set("hidden", true);
    editor->button.set("hidden", false);
    editor->button.call<void>("focus");
}

void on_open(val) {
    editor->input.set("value", text(current_view().self_name));
    editor->button.set("hidden", true);
    editor->form.set("hidden", false);
    editor->input.call<void>("focus");
    editor->input.call<void>("select");
}

void on_submit(val event) {
    event.call<void>("preventDefault");
    dispatch(RenameIntent{editor->input["value"].as<std::string>()});
    // What the core kept (sanitized), or the old name if it refused (its notice says why).
    identity::remember(current_view().self_name);
    close_form();
}

void on_cancel(val) { close_form(); }

void on_key(val event) {
    if (event["key"].as<std::string>() == "Escape") close_form();
}

}  // namespace

void attach() {
    editor.emplace();
    dom::listen(editor->button, "click", "onRenameOpen");
    dom::listen(editor->form, "submit", "onRenameSubmit");
    dom::listen(dom::by_id("renameCancel"), "click", "onRenameCancel");
    dom::listen(editor->form, "keydown", "onRenameKey");
}

EMSCRIPTEN_BINDINGS(peerline_name_editor) {
    emscripten::function("onRenameOpen", &on_open);
    emscripten::function("onRenameSubmit", &on_submit);
    emscripten::function("onRenameCancel", &on_cancel);
    emscripten::function("onRenameKey", &on_key);
}

}  // namespace peerline::browser::name_editor
