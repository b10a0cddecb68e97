#include "store/export.h"

#include <gtest/gtest.h>

#include "store/fields.h"

namespace parapet::store {
namespace {

observe::RequestRecord sample() {
  observe::RequestRecord r;
  r.id = "01JD0000000000000000000000";
  r.start_us = 1790000000000123;
  r.first_byte_us = 180000;
  r.total_us = 950000;
  r.upstream_us = 940000;
  r.gateway = "default";
  r.provider = "openai";
  r.method = "POST";
  r.endpoint = "/chat/completions";
  r.model_requested = "gpt-4o-mini";
  r.model_answered = "gpt-4o-mini-2024-07-18";
  r.status = 200;
  r.attempts = 1;
  r.stream = true;
  r.client_ip = "10.0.0.7";
  r.key_id = "key_a";
  r.metadata_json = R"({"user":"ana","tier":2})";
  r.usage = {812, 96, 1024, 0, 64, UsageSource::kProvider, false, "gpt-4o-mini-2024-07-18"};
  r.cost_micros = 180;
  r.price_version = "2026-11-01";
  r.cache_status = "MISS";
  r.bytes_in = 2345;
  r.bytes_out = 1234;
  return r;
}

TEST(Export, JsonLineHasEveryFieldUnderItsStableName) {
  EXPECT_EQ(
      to_jsonl(sample()),
      R"({"id":"01JD0000000000000000000000","start_us":1790000000000123,"first_byte_us":180000,)"
      R"("total_us":950000,"upstream_us":940000,"gateway":"default","provider":"openai",)"
      R"("method":"POST","endpoint":"/chat/completions","model_requested":"gpt-4o-mini",)"
      R"("model_answered":"gpt-4o-mini-2024-07-18","status":200,"error_type":"",)"
      R"("error_message":"","attempts":1,"stream":true,"stream_interrupted":false,)"
      R"("client_ip":"10.0.0.7","key_id":"key_a","metadata":{"user":"ana","tier":2},)"
      R"("tokens_input":812,"tokens_output":96,"tokens_cached_read":1024,)"
      R"("tokens_cache_write":0,"tokens_reasoning":64,"usage_source":"provider",)"
      R"("usage_partial":false,"usage_model":"gpt-4o-mini-2024-07-18","cost_micros":180,)"
      R"("cost_custom":false,"price_version":"2026-11-01","cache_status":"MISS",)"
      R"("saved_micros":0,"bytes_in":2345,"bytes_out":1234,"request_body":"",)"
      R"("response_body":"","step":-1,"dlp":"","dlp_prompt":0,"dlp_answer":0,"dlp_blocked":false,)"
      R"("waf_action":"","waf_rules":"","waf_matches":null})"
      "\n");
  EXPECT_EQ(field_names().size(), kFieldCount);
}

TEST(Export, JsonLineIsValidJsonAndOneLine) {
  auto r = sample();
  r.error_message = "say \"hi\"\n\tback\\slash \x01 \x7f";
  r.response_body = "line1\r\nline2 \xE2\x80\xA8 end";
  const std::string line = to_jsonl(r);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_TRUE(is_json_object(std::string_view(line).substr(0, line.size() - 1)));
  EXPECT_NE(line.find(R"("error_message":"say \"hi\"\n\tback\\slash \u0001 \u007f")"),
            std::string::npos);
  EXPECT_NE(line.find(R"("response_body":"line1\r\nline2 \u2028 end")"), std::string::npos);
}

TEST(Export, JsonKeepsUnicodeAndReplacesInvalidUtf8) {
  std::string s;
  append_json_string(s, "héllo 👋 日本");
  EXPECT_EQ(s, "\"héllo 👋 日本\"");
  s.clear();
  // A lone continuation byte, a truncated 3-byte sequence, an overlong '/', a surrogate.
  append_json_string(s,
                     "a\x80"
                     "b\xE6\x97"
                     "c\xC0\xAF"
                     "d\xED\xA0\x80"
                     "e");
  EXPECT_EQ(s,
            "\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD"
            "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "e\"");
}

TEST(Export, MetadataIsAnObjectOrNullNeverRawInvalidText) {
  auto r = sample();
  r.metadata_json = "";
  EXPECT_NE(to_jsonl(r).find(R"("metadata":null,)"), std::string::npos);
  r.metadata_json = R"({"a":1},"injected":{"b":2})";  // not one object: exported as a string
  const std::string line = to_jsonl(r);
  EXPECT_NE(line.find(R"("metadata":"{\"a\":1},\"injected\":{\"b\":2}",)"), std::string::npos);
  EXPECT_TRUE(is_json_object(std::string_view(line).substr(0, line.size() - 1)));
}

TEST(Export, JsonObjectValidator) {
  for (const char* ok : {"{}", R"({"a":1})", R"( {"a":[1,-2.5e3,true,false,null,{"b":"\u00e9"}]} )",
                         R"({"s":"é \" \\ \/"})"}) {
    EXPECT_TRUE(is_json_object(ok)) << ok;
  }
  for (const char* bad :
       {"", "[]", "1", R"({"a":1,})", R"({"a":01})", R"({a:1})", R"({"a":"x"} {})", R"({"a":"\x"})",
        "{\"a\":\"\x01\"}", R"({"a":tru})", R"({"a":1)"}) {
    EXPECT_FALSE(is_json_object(bad)) << bad;
  }
  auto nested = [](int depth) {
    return "{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  EXPECT_TRUE(is_json_object(nested(20)));
  EXPECT_FALSE(is_json_object(nested(40)));  // deeper than 32: refused, not a stack overflow
}

TEST(Export, CsvHeaderIsTheFieldNames) {
  std::string out;
  append_csv_header(out);
  EXPECT_TRUE(out.starts_with("id,start_us,first_byte_us,total_us,upstream_us,gateway,"));
  EXPECT_TRUE(
      out.ends_with(",bytes_in,bytes_out,request_body,response_body,step,dlp,dlp_prompt,dlp_answer,"
                    "dlp_blocked,waf_action,waf_rules,waf_matches\r\n"));
  EXPECT_EQ(std::count(out.begin(), out.end(), ','), static_cast<long>(kFieldCount - 1));
}

TEST(Export, CsvRowQuotesWhatNeedsQuoting) {
  auto r = sample();
  r.error_message = "a, \"quoted\" word\nnext line";
  r.response_body = "héllo 👋";
  std::string out;
  append_csv_row(out, r);
  EXPECT_TRUE(
      out.starts_with("01JD0000000000000000000000,1790000000000123,180000,950000,940000,"
                      "default,openai,POST,/chat/completions,gpt-4o-mini,"
                      "gpt-4o-mini-2024-07-18,200,,"
                      "\"a, \"\"quoted\"\" word\nnext line\",1,true,false,"))
      << out;
  EXPECT_NE(out.find(",\"{\"\"user\"\":\"\"ana\"\",\"\"tier\"\":2}\","), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with(",2345,1234,,héllo 👋,-1,,0,0,false,,,\r\n")) << out;
}

TEST(Export, CsvNeutralizesSpreadsheetFormulas) {
  auto r = sample();
  r.error_message = "=HYPERLINK(\"http://evil\")";
  r.key_id = "@SUM(A1)";
  r.endpoint = "-2+3";
  std::string out;
  append_csv_row(out, r);
  EXPECT_NE(out.find(",\"'=HYPERLINK(\"\"http://evil\"\")\","), std::string::npos) << out;
  EXPECT_NE(out.find(",\"'@SUM(A1)\","), std::string::npos) << out;
  EXPECT_NE(out.find(",\"'-2+3\","), std::string::npos) << out;
}

}  // namespace
}  // namespace parapet::store
