import { Migration } from '@mikro-orm/migrations';

export class Migration20261123132811_users_user_id_prefix_index extends Migration {

  override name = 'Migration20261123132811_users_user_id_prefix_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "users_user_id_pattern_idx" on "users" ("user_id" text_pattern_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "users_user_id_pattern_idx";`);
  }

}
