-- A small shop written for MySQL/MariaDB: the types MySQL users reach for.
CREATE TABLE stores (
  store_id TINYINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code CHAR(5) NOT NULL UNIQUE,
  city VARCHAR(50) NOT NULL,
  opened YEAR NOT NULL,
  is_open TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB;

CREATE TABLE customers (
  customer_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(120) NOT NULL UNIQUE,
  first_name VARCHAR(45) NOT NULL,
  last_name VARCHAR(45) NOT NULL,
  tier ENUM('bronze','silver','gold') NOT NULL DEFAULT 'bronze',
  interests SET('books','music','games','garden') NULL,
  home_store TINYINT UNSIGNED NOT NULL,
  points MEDIUMINT UNSIGNED NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL,
  preferences JSON NULL,
  CONSTRAINT fk_customer_store FOREIGN KEY (home_store) REFERENCES stores (store_id)
) ENGINE=InnoDB;

CREATE TABLE orders (
  order_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  status ENUM('new','paid','shipped','cancelled') NOT NULL,
  total DECIMAL(10,2) NOT NULL CHECK (total >= 0),
  quantity SMALLINT NOT NULL CHECK (quantity BETWEEN 1 AND 50),
  ordered_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  note TEXT NULL,
  CONSTRAINT fk_order_customer FOREIGN KEY (customer_id) REFERENCES customers (customer_id)
) ENGINE=InnoDB;
