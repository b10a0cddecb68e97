// Error bodies in each provider's own shape, as their API references document them:
//   OpenAI     {"error":{"message","type","param","code"}}
//   Anthropic  {"type":"error","error":{"type","message"},"request_id"}
//   Gemini     {"error":{"code","message","status"}}

const openai = {
  400: ['invalid_request_error', 'invalid_value', "We could not parse the JSON body of your request."],
  401: ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided: sk-proj-****abcd. You can find your API key at https://platform.openai.com/account/api-keys.'],
  403: ['invalid_request_error', 'unsupported_country_region_territory', 'Country, region, or territory not supported'],
  404: ['invalid_request_error', 'model_not_found', 'The model `gpt-9` does not exist or you do not have access to it.'],
  429: ['requests', 'rate_limit_exceeded', 'Rate limit reached for gpt-4o-mini in organization org-parapet on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.'],
  500: ['server_error', null, 'The server had an error while processing your request. Sorry about that!'],
  503: ['server_error', null, 'The engine is currently overloaded, please try again later'],
};

const anthropic = {
  400: ['invalid_request_error', 'messages: field required'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'model: claude-9'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'This request would exceed the rate limit for your organization of 50 requests per minute.'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

const gemini = {
  400: ['INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.'],
  403: ['PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.'],
  404: ['NOT_FOUND', 'models/gemini-9 is not found for API version v1beta, or is not supported for generateContent.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  500: ['INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
};

function pick(table, status) {
  return table[status] ?? table[status >= 500 ? 500 : 400];
}

// Returns {headers, body} for an error answer of `status` in `provider`'s shape.
export function errorAnswer(provider, status) {
  if (provider === 'anthropic') {
    const [type, message] = pick(anthropic, status);
    const body = { type: 'error', error: { type, message }, request_id: 'req_011CUvZ9fakeErr0r5tatus' };
    return { headers: { 'content-type': 'application/json', 'request-id': body.request_id,
                        'x-should-retry': String(status === 429 || status >= 500) },
             body: JSON.stringify(body) };
  }
  if (provider === 'gemini') {
    const [statusName, message] = pick(gemini, status);
    const body = { error: { code: status, message, status: statusName } };
    return { headers: { 'content-type': 'application/json; charset=UTF-8' },
             body: JSON.stringify(body, null, 2) + '\n' };
  }
  const [type, code, message] = pick(openai, status);
  const body = { error: { message, type, param: null, code } };
  return { headers: { 'content-type': 'application/json; charset=utf-8',
                      'x-request-id': 'req_0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b' },
           body: JSON.stringify(body, null, 2) + '\n' };
}
