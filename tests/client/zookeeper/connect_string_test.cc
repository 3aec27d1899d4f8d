#include "brook/client/zookeeper/errc.h"
#include "client/zookeeper/connect_string.h"

#include <gtest/gtest.h>

namespace brook::client::zookeeper::detail {
namespace {

TEST(connect_string, HostsPortsAndChroot) {
    auto s = parse_connect_string("zk1:2181, zk2:2182,[::1]:2183,zk4/brook/cluster/");
    ASSERT_TRUE(s);
    ASSERT_EQ(s.value().hosts.size(), 4u);
    EXPECT_EQ(s.value().hosts[0], (host_port{"zk1", 2181}));
    EXPECT_EQ(s.value().hosts[1], (host_port{"zk2", 2182}));
    EXPECT_EQ(s.value().hosts[2], (host_port{"::1", 2183}));
    EXPECT_EQ(s.value().hosts[3], (host_port{"zk4", 2181}));
    EXPECT_EQ(s.value().chroot, "/brook/cluster");
}

TEST(connect_string, RootChrootMeansNone) {
    auto s = parse_connect_string("127.0.0.1:1/");
    ASSERT_TRUE(s);
    EXPECT_EQ(s.value().chroot, "");
}

TEST(connect_string, Rejects) {
    for (const char* bad : {"", "/chroot", "h:", "h:0", "h:65536", "h:12x", "[::1", "h:1/a//b", ":2181"}) {
        auto s = parse_connect_string(bad);
        ASSERT_FALSE(s) << bad;
        EXPECT_EQ(s.error(), errc::invalid_connect_string) << bad;
    }
}

TEST(connect_string, PathRules) {
    EXPECT_TRUE(valid_path("/"));
    EXPECT_TRUE(valid_path("/a/b"));
    EXPECT_FALSE(valid_path(""));
    EXPECT_FALSE(valid_path("a"));
    EXPECT_FALSE(valid_path("/a/"));
    EXPECT_TRUE(valid_path("/a/", true)); // sequential prefix
    EXPECT_FALSE(valid_path("/", true));
    EXPECT_FALSE(valid_path("/a//b"));
    EXPECT_FALSE(valid_path("/a/../b"));
    EXPECT_FALSE(valid_path(std::string_view("/a\0b", 4)));
}

TEST(connect_string, ChrootMapping) {
    EXPECT_EQ(to_server_path("", "/x"), "/x");
    EXPECT_EQ(to_server_path("/app", "/"), "/app");
    EXPECT_EQ(to_server_path("/app", "/x/y"), "/app/x/y");
    EXPECT_EQ(to_client_path("/app", "/app"), "/");
    EXPECT_EQ(to_client_path("/app", "/app/x"), "/x");
    EXPECT_EQ(to_client_path("/app", "/apple"), std::nullopt);
    EXPECT_EQ(to_client_path("/app", "/other"), std::nullopt);
    EXPECT_EQ(to_client_path("", "/other"), "/other");
}

} // namespace
} // namespace brook::client::zookeeper::detail
