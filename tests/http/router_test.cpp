#include "http/router.hpp"

#include <gtest/gtest.h>

namespace jorge::http {

TEST(Router, CapturesPathParametersAndNamesTheRoute) {
  Router router;
  std::string seen;
  router.add("GET", "/api/v1/leads/{id}", [&](Request& request, Respond respond) {
    seen = std::string(request.path_param("id"));
    respond(json_response(200, "{}"));
  });
  Request request;
  request.method = "GET";
  request.path = "/api/v1/leads/42";
  int status = 0;
  EXPECT_EQ(router.dispatch(request, [&](Response response) { status = response.status; }), "/api/v1/leads/{id}");
  EXPECT_EQ(seen, "42");
  EXPECT_EQ(status, 200);
}

TEST(Router, AnswersJson404And405) {
  Router router;
  router.add("POST", "/webhooks/{source}", [](Request&, Respond respond) { respond(json_response(200, "{}")); });
  Request request;
  request.method = "GET";
  request.path = "/webhooks/ghl";
  Response answer;
  router.dispatch(request, [&](Response response) { answer = response; });
  EXPECT_EQ(answer.status, 405);
  request.path = "/nowhere";
  router.dispatch(request, [&](Response response) { answer = response; });
  EXPECT_EQ(answer.status, 404);
  EXPECT_NE(answer.body.find("\"error\""), std::string::npos);
}

TEST(Request, DecodesQueryParameters) {
  Request request;
  request.query = "source=ghl&updated_since=2026-11-20T15%3A00%3A00Z&empty=";
  EXPECT_EQ(request.query_param("source"), "ghl");
  EXPECT_EQ(request.query_param("updated_since"), "2026-11-20T15:00:00Z");
  EXPECT_EQ(request.query_param("missing"), "");
}

TEST(ErrorResponse, MapsCodesToStatuses) {
  EXPECT_EQ(error_response(Error{ErrorCode::kInvalidArgument, "x"}).status, 400);
  EXPECT_EQ(error_response(Error{ErrorCode::kUnauthenticated, "x"}).status, 401);
  EXPECT_EQ(error_response(Error{ErrorCode::kResourceExhausted, "x"}).status, 429);
  EXPECT_EQ(error_response(Error{ErrorCode::kNotFound, "x"}).body,
            R"({"error":{"code":"not_found","message":"x"}})");
}

}  // namespace jorge::http
