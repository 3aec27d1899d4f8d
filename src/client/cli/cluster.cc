// brook cluster: cluster id, controller, brokers and the API versions negotiated with them.
#include "brook/client/kafka/admin.h"
#include "brook/client/kafka/errc.h"
#include "brook/protocol/kafka/api.h"
#include "common.h"
#include "output.h"

#include <iostream>

namespace brook::cli {

namespace ck = client::kafka;
namespace pk = protocol::kafka;

namespace {

constexpr const char* usage = R"(usage: brook cluster [--api-versions]

Prints the cluster id, the controller and the brokers; --api-versions adds the version of every
API this client and the bootstrap broker both support.
)";

} // namespace

int run_cluster(int argc, char** argv) {
    command_context ctx;
    bool stop = false;
    option_spec spec{{}, {"api-versions"}};
    int rc = prepare(argc, argv, spec, usage, ctx, stop);
    if (stop) {
        return rc;
    }
    if ((rc = connect(ctx)) != 0) {
        return rc;
    }
    ck::admin adm(*ctx.client);
    auto d = adm.describe_cluster();
    if (!d) {
        return fail("describe cluster", d.error());
    }
    auto versions = ctx.client->negotiated_versions(ck::any_node);
    if (!versions) {
        return fail("api versions", versions.error());
    }
    json_writer j;
    j.begin_object().key("cluster_id").value(d.value().cluster_id).key("controller_id").value(d.value().controller_id);
    j.key("brokers").begin_array();
    table t({"ID", "HOST", "PORT", "RACK", "CONTROLLER"});
    for (const auto& b : d.value().brokers) {
        t.add({std::to_string(b.node_id), b.host, std::to_string(b.port), b.rack.value_or("-"),
               b.node_id == d.value().controller_id ? "yes" : ""});
        j.begin_object().key("id").value(b.node_id).key("host").value(b.host).key("port").value(b.port);
        j.key("rack").value(b.rack).end_object();
    }
    j.end_array().key("api_versions").begin_object();
    table v({"API", "KEY", "VERSION"});
    for (const auto& [key, ver] : versions.value()) {
        const auto* info = pk::find_api(key);
        const std::string name = info != nullptr ? std::string(info->name) : std::to_string(key);
        v.add({name, std::to_string(key), std::to_string(ver)});
        j.key(name).value(static_cast<int64_t>(ver));
    }
    j.end_object().end_object();
    if (ctx.json) {
        std::cout << j.str() << "\n";
        return exit_code::ok;
    }
    std::cout << "Cluster id: " << d.value().cluster_id << "\nController: " << d.value().controller_id << "\n\n";
    t.print(std::cout);
    if (ctx.args.has("api-versions")) {
        std::cout << "\n";
        v.print(std::cout);
    }
    return exit_code::ok;
}

} // namespace brook::cli
