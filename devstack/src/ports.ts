/** Fixed ports of the developer stack (`npm start`), matching firebase.json; tests take free ports. */
export const DEV_PORTS = {
  auth: 9099,
  functions: 5001,
  firestore: 8080,
  database: 9000,
  tasks: 9499,
  hub: 4400,
  logging: 4500,
  redis: 6390,
  redisRest: 8079,
  triggerRelay: 8085,
  fcm: 9096,
  smtp: 2525,
  mailControl: 8025,
  storage: 9199,
  /** Firebase Hosting emulator: the operations console. */
  hosting: 5002,
} as const;

export type StackPorts = { [K in keyof typeof DEV_PORTS]: number };
