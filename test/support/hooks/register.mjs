import { register } from 'node:module';
register('./report-queue-libs.mjs', import.meta.url);
