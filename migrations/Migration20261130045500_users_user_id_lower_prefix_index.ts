import { Migration } from '@mikro-orm/migrations';

export class Migration20261130045500_users_user_id_lower_prefix_index extends Migration {

  override name = 'Migration20261130045500_users_user_id_lower_prefix_index';

  override up(): void | Promise<void> {
    this.addSql(`drop index "users_user_id_pattern_idx";`);
    this.addSql(`create index "users_user_id_lower_idx" on "users" (lower("user_id") text_pattern_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "users_user_id_lower_idx";`);
    this.addSql(`create index "users_user_id_pattern_idx" on "users" ("user_id" text_pattern_ops);`);
  }

}
