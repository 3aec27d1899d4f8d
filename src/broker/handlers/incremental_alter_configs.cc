// IncrementalAlterConfigs (key 44): SET / DELETE / APPEND / SUBTRACT on the override set of each
// topic or broker resource (validated; validateOnly), stored in the coordinator before the reply
// and applied live.
#include "brook/protocol/kafka/messages/incremental_alter_configs.h"

#include "broker/handlers/codec.h"
#include "broker/handlers/config_changes.h"
#include "broker/handlers/handlers.h"
#include "brook/broker/config.h"

#include <algorithm>
#include <set>

namespace brook::broker::handlers {

namespace {

constexpr int8_t op_set = 0;
constexpr int8_t op_delete = 1;
constexpr int8_t op_append = 2;
constexpr int8_t op_subtract = 3;

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size() && !s.empty()) {
        size_t comma = s.find(',', start);
        std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) {
            out.push_back(item);
        }
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return out;
}

std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) {
        out += (out.empty() ? "" : ",") + i;
    }
    return out;
}

bool is_list(const config_target& target, const std::string& key) {
    const auto* def =
        target.type == resource_topic ? topic_config_registry().find(key) : broker_config_registry().find(key);
    return def && def->type == config_type::list;
}

/// The value a list config has now: the override, else the effective broker value.
std::vector<std::string> current_list(broker_context& ctx, const config_target& target, const config_map& overrides,
                                      const std::string& key) {
    if (auto it = overrides.find(key); it != overrides.end()) {
        return split_list(it->second);
    }
    auto effective = ctx.topics.effective_config();
    const std::string broker_key = target.type == resource_topic ? std::string(broker_synonym(key)) : key;
    if (broker_key.empty() || !effective.has(broker_key)) {
        return {};
    }
    return effective.get_list(broker_key);
}

/// Applies the operations to `configs`; INVALID_CONFIG / INVALID_REQUEST on a bad one.
resource_status apply_ops(broker_context& ctx, const config_target& target,
                          const std::vector<kafka::incremental_alter_configs_request::alterable_config>& ops,
                          config_map& configs) {
    std::set<std::string> seen;
    for (const auto& op : ops) {
        if (!seen.insert(op.name).second) {
            return {kafka::error_code::invalid_request, "Error due to duplicate config keys"};
        }
        switch (op.config_operation) {
        case op_set:
            if (!op.value) {
                return {kafka::error_code::invalid_request, "Null value not supported for : " + op.name};
            }
            configs[op.name] = *op.value;
            break;
        case op_delete:
            configs.erase(op.name);
            break;
        case op_append:
        case op_subtract: {
            if (!is_list(target, op.name)) {
                return {kafka::error_code::invalid_config,
                        "Config value append is not allowed for config key: " + op.name};
            }
            auto items = current_list(ctx, target, configs, op.name);
            for (const auto& v : split_list(op.value.value_or(""))) {
                auto it = std::find(items.begin(), items.end(), v);
                if (op.config_operation == op_append && it == items.end()) {
                    items.push_back(v);
                } else if (op.config_operation == op_subtract && it != items.end()) {
                    items.erase(it);
                }
            }
            configs[op.name] = join_list(items);
            break;
        }
        default:
            return {kafka::error_code::invalid_request,
                    "Unknown config operation " + std::to_string(op.config_operation)};
        }
    }
    return {};
}

} // namespace

void handle_incremental_alter_configs(broker_context& ctx, request r, responder reply) {
    using req_t = kafka::incremental_alter_configs_request;
    alter_each_resource<req_t, kafka::incremental_alter_configs_response>(
        ctx, r, std::move(reply),
        [&ctx](const config_target& target, const req_t::alter_configs_resource& res, config_map& configs) {
            configs = current_overrides(ctx, target);
            return apply_ops(ctx, target, res.configs, configs);
        });
}

} // namespace brook::broker::handlers
