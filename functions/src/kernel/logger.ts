/** Structured logging: one JSON entry per event, with searchable fields instead of interpolated strings. */
import * as logger from "firebase-functions/logger";

type Fields = Record<string, unknown>;

export const log = {
  debug: (message: string, fields: Fields = {}) => logger.debug(message, fields),
  info: (message: string, fields: Fields = {}) => logger.info(message, fields),
  warn: (message: string, fields: Fields = {}) => logger.warn(message, fields),
  error: (message: string, fields: Fields = {}) => logger.error(message, fields),
};
