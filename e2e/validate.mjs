// Validates an OpenAPI document with @apidevtools/swagger-parser.
// Usage: node validate.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  console.log(`swagger-parser: ${file} is valid OpenAPI ${api.openapi}`);
} catch (err) {
  console.error(`swagger-parser: ${file}: ${err.message}`);
  process.exit(1);
}
